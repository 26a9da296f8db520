import type { lessonsEn } from './lessons.en';

/** 课程的简体中文文本（展开到 zh.ts 中）。每个英文键都必须在这里（类型会检查）。 */
export const lessonsZh: Record<keyof typeof lessonsEn, string> = {
  'lessons.button': '课程',
  'lessons.offer': '第一次使用？工具栏中的“课程”会跟着 d2l 7.2–7.4 一步步讲解卷积。',
  'lessons.title': '课程',
  'lessons.close': '关闭课程',
  'lessons.intro':
    '每一步都会把整个应用置于《动手学深度学习》（d2l）中某个代码单元的状态，并说明要看什么。撤销一次即可退回。',
  'lessons.step': '第 {n} 步：{title}',
  'lessons.done': '已完成',
  'lessons.book': '书中的计算结果',
  'lessons.bookY': 'Y = {value}',
  'lessons.bookYo': 'Y{o} = {value}',
  'lessons.bookShape': 'Y 的形状：{rows}×{cols}',
  'lessons.bookLoss': '第 {step} 步：损失 {loss}',
  'lessons.bookWeight': '学到的卷积核 ≈ {value}',
  'lessons.look.x': '请看：图像 X。',
  'lessons.look.k': '请看：卷积核 K。',
  'lessons.look.y': '请看：输出 Y。',
  'lessons.look.chart': '请看：损失曲线和日志（点击“运行”）。',
  'lessons.look.shape': '请看：步幅和填充字段旁的输出形状。',
  'lessons.look.window': '请看：Y 的单元格（第 {row} 行，第 {col} 列）、它在 X 中的窗口及其求和。',
  'lessons.progress': '已完成 {done}/{total}',
  'lesson.s72.name': '7.2 图像卷积',
  'lesson.s73.name': '7.3 填充和步幅',
  'lesson.s74.name': '7.4 多输入多输出通道',
  'lesson.practice.name': '实践：从处理前后的图片学习滤波器',
  'lesson.s72.corr2d.title': '手算互相关',
  'lesson.s72.corr2d.text':
    '§7.2.1：卷积核 K 在 X 上滑动；每个输出是 K 与其下方窗口逐元素相乘后的和。对 3×3 图像 0…8 和 K = [[0, 1], [2, 3]]，书中得到 [[19, 25], [37, 43]]。把鼠标移到 Y 的单元格上可看到求和过程。',
  'lesson.s72.conv2d.title': '卷积层',
  'lesson.s72.conv2d.text':
    '§7.2.2：卷积层就是互相关加上偏置，这里再接 ReLU。在边缘图像上用 K = [1, −1]、偏置 −0.5 和 ReLU，只有从白到黑的边缘保留下来，值为 0.5。',
  'lesson.s72.edgeImage.title': '有两条边缘的图像',
  'lesson.s72.edgeImage.text':
    '§7.2.3：书中的 6×8 图像为白色（1），中间四列为黑色（0）。边缘就是 1 与 0 相接之处。',
  'lesson.s72.edgeKernel.title': '边缘检测器',
  'lesson.s72.edgeKernel.text':
    '§7.2.3：K = [1, −1] 用每个像素减去其右邻。Y 在从白到黑的边缘处为 1，在从黑到白处为 −1，其余为 0。',
  'lesson.s72.edgeTransposed.title': '转置后的图像',
  'lesson.s72.edgeTransposed.text':
    '§7.2.3：把 X 转置后，边缘变成水平的。K = [1, −1] 只比较左右相邻像素，所以 Y 全为 0：这个卷积核只能检测垂直边缘。',
  'lesson.s72.learn.title': '把卷积核学回来',
  'lesson.s72.learn.text':
    '§7.2.4：仅由 X 和 Y，梯度下降就能学到一个 1×2 卷积核：10 步，学习率 3e-2，平方误差求和。书中从随机值开始；这一步从 [0.3, 0.2]（我们 PyTorch 参考的起点）开始，因此损失正好是这些值。点击“运行”：卷积核最终接近 [1, −1]。',
  'lesson.s72.convolution.title': '互相关还是卷积',
  'lesson.s72.convolution.text':
    '§7.2.5：真正的卷积会先把 K 在两个方向上翻转再滑动。在 3×3 例子上得到 [[5, 11], [23, 29]]。由于卷积层的核是学出来的，学到的卷积核只是学到的互相关核的翻转：输出相同。',
  'lesson.s72.receptiveField.title': '特征图和感受野',
  'lesson.s72.receptiveField.text':
    '§7.2.6：Y 是一张特征图。它第一个单元格 19 的感受野是 X 中 0、1、3、4 这个 2×2 窗口：所有能改变它的输入。更深层的单元格会看到更大的窗口。',
  'lesson.s72.diagonal.title': '练习：对角线边缘',
  'lesson.s72.diagonal.text':
    '§7.2 练习 1：这里的 X 有一条对角线边缘（对角线及其上方为 1）。预测 K = [1, −1] 的结果，再预测转置 X、转置 K 后的结果。可在“探索”的练习预设中逐一验证原因。',
  'lesson.s72.zeroTransposed.title': '练习：什么也看不见的卷积核',
  'lesson.s72.zeroTransposed.text':
    '§7.2.3：在转置后的图像上，找一个不同于书中 [1, −1] 的卷积核，使 Y 全为 0。编辑 K，然后检查。',
  'lesson.s72.secondDerivative.title': '练习：学习二阶导数',
  'lesson.s72.secondDerivative.text':
    '§7.2 练习 2：X 是一个有两个拐点的斜坡。把 K 设为二阶导数（它最小是多大？），在“训练”中学习该形状，运行后检查学到的卷积核。',
  'lesson.s73.padSame.title': '填充保持尺寸',
  'lesson.s73.padSame.text':
    '§7.3.1：3×3 卷积核会把 8×8 的 X 缩小为 6×6。加一圈 0（填充 1）可让 Y 保持 8×8。X 周围的虚影单元格就是填充。',
  'lesson.s73.padRect.title': '每个方向不同的填充',
  'lesson.s73.padRect.text':
    '§7.3.1：5×3 卷积核需要填充 2 行、1 列才能保持 8×8：每个方向每侧填充 (k − 1) / 2。',
  'lesson.s73.strideTwo.title': '步幅 2 使尺寸减半',
  'lesson.s73.strideTwo.text': '§7.3.2：步幅为 2 时窗口每次跳两格：3×3、填充 1、步幅 2 把 8×8 变成 4×4。',
  'lesson.s73.strideRect.title': '每个方向的步幅',
  'lesson.s73.strideRect.text':
    '§7.3.2：3×5 卷积核、填充 (0, 1)、步幅 (3, 4) 作用于 8×8 得到 2×2。每个方向都遵循 ⌊(n + 2p − k) / s⌋ + 1。',
  'lesson.s73.outputShape.title': '练习：输出形状',
  'lesson.s73.outputShape.text': '§7.3 练习 1：输入每一层的输出形状，然后检查。应用会用你的数字列出公式。',
  'lesson.s74.multiIn.title': '多输入通道',
  'lesson.s74.multiIn.text':
    '§7.4.1：有两个输入通道时，K 为每个通道各有一个核；该层对每一对做互相关再相加。书中得到 [[56, 72], [104, 120]]：第一个单元格为 19 + 37 = 56。',
  'lesson.s74.multiOut.title': '多输出通道',
  'lesson.s74.multiOut.text':
    '§7.4.2：把 K、K + 1、K + 2 堆叠起来，该层就有三个输出通道，每个都是对输入的各自求和。K 现在是 3×2×2×2（输出 × 输入 × 高 × 宽）。',
  'lesson.s74.oneByOne.title': '1×1 卷积',
  'lesson.s74.oneByOne.text':
    '§7.4.3：1×1 卷积核逐像素混合通道：它就是 W（输出 × 输入）与变形为（输入 × 像素）的 X 的矩阵乘积。这里 Y1 = X1 − X3，Y2 = (X1 + X2) / 2。',
  'lesson.s74.cost.title': '练习：卷积的计算量',
  'lesson.s74.cost.text':
    '§7.4 练习 2：一次前向传播需要多少次乘加？对 O·Ho·Wo 个输出，每个计算 C·kh·kw 个乘积。',
  'lesson.practice.pair.title': '一张图片及其模糊版本',
  'lesson.practice.pair.text':
    '一张由应用自己绘制的彩色图片（R、G、B 三个通道），以及对每个通道做 3×3 高斯模糊后的同一图片：输出通道就是模糊后的图片。',
  'lesson.practice.learnFilter.title': '从图片对学习滤波器',
  'lesson.practice.learnFilter.text':
    'ImageMagick 对每个通道使用同一个卷积核，所以只学一个核：在图片的灰度版本上，从 0 开始，用带动量的 SGD。点击“运行”，看损失下降、卷积核变成模糊核（1 2 1 / 2 4 2 / 1 2 1，除以 16）。',
  'lesson.practice.export.title': '导出学到的卷积核',
  'lesson.practice.export.text':
    '工具栏中的“导出”可把学到的卷积核写成 ImageMagick -morphology 卷积核、NumPy .npy 文件或 PyTorch 代码片段：在那里用于你自己的图片。',
  'lesson.practice.ownPair.title': '你自己的处理前后图片对',
  'lesson.practice.ownPair.text':
    '使用你的照片：在“探索”中把“处理前”的照片导入为 X（取消“保留颜色”以学习一个卷积核）；在“训练”中选择手绘目标，并通过“导入目标 Y…”导入同样大小的“处理后”照片；设置卷积核大小后运行。',
  'exercise.check': '检查',
  'exercise.right': '正确。',
  'exercise.wrong': '还不对。',
  'exercise.notRead': '请输入形状，例如 4×4。',
  'exercise.notCount': '请输入一个整数。',
  'exercise.diagonal.diagonal': 'K = [1, −1] 作用于 X',
  'exercise.diagonal.diagonalTransposeX': 'K = [1, −1] 作用于转置的 X',
  'exercise.diagonal.diagonalTransposeK': '转置的 K 作用于 X',
  'exercise.diagonal.zeros': 'Y 全为 0',
  'exercise.diagonal.plus': '沿对角线只有 +1',
  'exercise.diagonal.minus': '沿对角线只有 −1',
  'exercise.diagonal.both': '既有 +1 也有 −1',
  'exercise.diagonal.because': '这里的 Y：{answer}。',
  'exercise.zero.ok': '正确：Y 全为 0，而 K 不是。',
  'exercise.zero.notTransposedImage': 'X 已不再是转置后的边缘图像：请重新应用这一步。',
  'exercise.zero.zeroKernel': 'K 全为 0：它当然什么也看不见。请找一个有非零值的卷积核。',
  'exercise.zero.booksKernel': '这是书中的卷积核：请另找一个。',
  'exercise.zero.tooLarge': 'K 比 X 大：没有 Y。',
  'exercise.zero.nonZero': '还不对：Y 中有非零值。',
  'exercise.second.ok': '正确：学到的卷积核是二阶导数，即按比例缩放的 [1, −2, 1]。',
  'exercise.second.notLearned': '还没有学到任何东西：请先运行训练。',
  'exercise.second.wrongSize': '学到的卷积核不是 1×3 或 3×1（最小的二阶导数）。',
  'exercise.second.notSecondDerivative': '学到的卷积核还不与 [1, −2, 1] 成比例。',
  'exercise.shape.last': '8×8 输入，3×5 卷积核，填充 (0, 1)，步幅 (3, 4)',
  'exercise.shape.strideNoPad': '28×28 输入，5×5 卷积核，无填充，步幅 2',
  'exercise.shape.dilated': '32×20 输入，3×3 卷积核，填充 (2, 1)，步幅 (1, 2)，膨胀 (2, 1)',
  'exercise.shape.answer': '输出形状：{layer}',
  'exercise.shape.why': '行：{rows}；列：{cols}',
  'exercise.cost.twoChannels': '2 个 3×3 输入通道，1 个输出，2×2 卷积核',
  'exercise.cost.firstLayer': '3 个 32×32 输入通道，64 个输出，3×3 卷积核，填充 1',
  'exercise.cost.strided': '同上，步幅 2',
  'exercise.cost.answer': '乘加次数：{layer}',
  'exercise.cost.why': '{o} 个输出 × {oh}×{ow} 个单元格 × {c} 个输入 × {kh}×{kw} 个抽头 = {total}',
  'layerPreset.dilationTwo': '膨胀 2，3×3',
  'flow.label': '输出通道 {o} 的计算流程',
  'flow.output': '输出通道',
  'flow.map': 'X{c} ⋆ K{o},{c}',
  'flow.sum': '对输入求和（输出 {o}）',
  'flow.bias': '+ b{o} = {bias}',
  'flow.biased': '和 + b{o}',
  'flow.relu': 'ReLU',
  'flow.y': '流程得到的 Y{o}',
  'flow.hint':
    '每个输入通道经过各自的卷积核，求和，加上偏置，再经过激活函数：得到 Y{o}。把鼠标移到 Y{o} 的单元格上可看到乘积之和。',
  'flow.product': '1×1 卷积即矩阵乘法',
  'flow.w': 'W（{o}×{c}）',
  'flow.xFlat': 'X 变形为 {c}×{hw}',
  'flow.yFlat': 'Y 变形为 {o}×{hw}',
};
