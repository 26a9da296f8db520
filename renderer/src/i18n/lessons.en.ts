/**
 * The lessons' English strings (spread into en.ts): the panel, each lesson's steps (our own
 * words, with the book's section) and the exercise checks. Keys `lesson.<lesson>.<step>.*`
 * follow core/lessons.ts.
 */
export const lessonsEn = {
  'lessons.button': 'Lessons',
  'lessons.offer': 'New here? Lessons (in the toolbar) teach convolution step by step, after d2l 7.2–7.4.',
  'lessons.title': 'Lessons',
  'lessons.close': 'Close lessons',
  'lessons.intro':
    'Each step puts the whole app in the state of one code cell of “Dive into Deep Learning” (d2l) and says what to look at. One Undo takes a step back.',
  'lessons.step': 'Step {n}: {title}',
  'lessons.done': 'done',
  'lessons.book': 'The book computes',
  'lessons.bookY': 'Y = {value}',
  'lessons.bookYo': 'Y{o} = {value}',
  'lessons.bookShape': 'Y’s shape: {rows}×{cols}',
  'lessons.bookLoss': 'step {step}: loss {loss}',
  'lessons.bookWeight': 'learned kernel ≈ {value}',
  'lessons.look.x': 'Look at: the image X.',
  'lessons.look.k': 'Look at: the kernel K.',
  'lessons.look.y': 'Look at: the output Y.',
  'lessons.look.chart': 'Look at: the loss chart and the log (press Run).',
  'lessons.look.shape': 'Look at: the output shape beside the stride and padding fields.',
  'lessons.look.window': 'Look at: Y’s cell (row {row}, column {col}), its window in X and its sum.',
  'lessons.progress': '{done} of {total} done',
  'lesson.s72.name': '7.2 Convolutions for Images',
  'lesson.s73.name': '7.3 Padding and Stride',
  'lesson.s74.name': '7.4 Multiple Input and Multiple Output Channels',
  'lesson.practice.name': 'Practice: learn a filter from a before/after picture',
  'lesson.s72.corr2d.title': 'Cross-correlation by hand',
  'lesson.s72.corr2d.text':
    '§7.2.1: the kernel K slides over X; each output is the sum of the products of K with the window under it. For the 3×3 image 0…8 and K = [[0, 1], [2, 3]] the book gets [[19, 25], [37, 43]]. Hover a cell of Y to see its sum.',
  'lesson.s72.conv2d.title': 'A convolutional layer',
  'lesson.s72.conv2d.text':
    '§7.2.2: a layer is the cross-correlation plus a bias, here followed by ReLU. With K = [1, −1], bias −0.5 and ReLU on the edge image, only the white-to-black edge survives, as 0.5.',
  'lesson.s72.edgeImage.title': 'An image with two edges',
  'lesson.s72.edgeImage.text':
    '§7.2.3: the book’s 6×8 image is white (1) with its four middle columns black (0). Its edges are where a 1 meets a 0.',
  'lesson.s72.edgeKernel.title': 'An edge detector',
  'lesson.s72.edgeKernel.text':
    '§7.2.3: K = [1, −1] subtracts each pixel’s right neighbour. Y is 1 at the white-to-black edge, −1 at the black-to-white one, 0 elsewhere.',
  'lesson.s72.edgeTransposed.title': 'The transposed image',
  'lesson.s72.edgeTransposed.text':
    '§7.2.3: transpose X and its edges become horizontal. K = [1, −1] only compares left and right neighbours, so Y is all zeros: this kernel sees vertical edges only.',
  'lesson.s72.learn.title': 'Learning the kernel back',
  'lesson.s72.learn.text':
    '§7.2.4: from X and Y alone, gradient descent learns a 1×2 kernel: 10 steps, learning rate 3e-2, squared error summed. The book starts at random; this step starts at [0.3, 0.2], the start of our PyTorch reference, so the losses are exactly these. Press Run: the kernel ends near [1, −1].',
  'lesson.s72.convolution.title': 'Cross-correlation or convolution',
  'lesson.s72.convolution.text':
    '§7.2.5: a true convolution flips K in both axes before sliding it. On the 3×3 example it gives [[5, 11], [23, 29]]. Since a layer learns its kernel, a learned convolution is just the flipped learned cross-correlation: the outputs are the same.',
  'lesson.s72.receptiveField.title': 'Feature map and receptive field',
  'lesson.s72.receptiveField.text':
    '§7.2.6: Y is a feature map. The receptive field of its first cell, 19, is the 2×2 window 0, 1, 3, 4 of X: every input that can change it. A deeper layer’s cell would see a larger window.',
  'lesson.s72.diagonal.title': 'Exercise: diagonal edges',
  'lesson.s72.diagonal.text':
    '§7.2 exercise 1: X here has one diagonal edge (1 on and above the diagonal). Predict what K = [1, −1] gives, then with X transposed, then with K transposed. Try each in Explore’s exercise presets to see why.',
  'lesson.s72.zeroTransposed.title': 'Exercise: a kernel that sees nothing',
  'lesson.s72.zeroTransposed.text':
    '§7.2.3: on the transposed image, find a kernel other than the book’s [1, −1] that makes Y all zeros. Edit K, then check.',
  'lesson.s72.secondDerivative.title': 'Exercise: learn a second derivative',
  'lesson.s72.secondDerivative.text':
    '§7.2 exercise 2: X is a ramp with two kinks. Make K a second derivative (what is its smallest size?), set Train to learn that shape, run, and check the learned kernel.',
  'lesson.s73.padSame.title': 'Padding keeps the size',
  'lesson.s73.padSame.text':
    '§7.3.1: a 3×3 kernel on an 8×8 X shrinks it to 6×6. One ring of zeros (padding 1) keeps Y 8×8. The ghost cells around X are the padding.',
  'lesson.s73.padRect.title': 'Different padding per axis',
  'lesson.s73.padRect.text':
    '§7.3.1: a 5×3 kernel needs padding 2 rows and 1 column to keep 8×8: pad (k − 1) / 2 on each side, per axis.',
  'lesson.s73.strideTwo.title': 'Stride 2 halves the size',
  'lesson.s73.strideTwo.text':
    '§7.3.2: with stride 2 the window jumps two cells at a time: 3×3, padding 1, stride 2 turns 8×8 into 4×4.',
  'lesson.s73.strideRect.title': 'A stride per axis',
  'lesson.s73.strideRect.text':
    '§7.3.2: a 3×5 kernel, padding (0, 1), stride (3, 4) on 8×8 gives 2×2. Each axis follows ⌊(n + 2p − k) / s⌋ + 1.',
  'lesson.s73.outputShape.title': 'Exercise: output shapes',
  'lesson.s73.outputShape.text':
    '§7.3 exercise 1: type the output shape of each layer, then check. The app shows the formula with your numbers.',
  'lesson.s74.multiIn.title': 'Several input channels',
  'lesson.s74.multiIn.text':
    '§7.4.1: with two input channels, K has one kernel per channel; the layer cross-correlates each pair and adds the results. The book gets [[56, 72], [104, 120]]: 19 + 37 = 56 for the first cell.',
  'lesson.s74.multiOut.title': 'Several output channels',
  'lesson.s74.multiOut.text':
    '§7.4.2: stack K, K + 1 and K + 2 and the layer has three output channels, each its own sum over the inputs. K is now 3×2×2×2 (out × in × height × width).',
  'lesson.s74.oneByOne.title': 'The 1×1 convolution',
  'lesson.s74.oneByOne.text':
    '§7.4.3: a 1×1 kernel mixes channels pixel by pixel: it is the matrix product of W (outputs × inputs) with X reshaped to (inputs × pixels). Here Y1 = X1 − X3 and Y2 = (X1 + X2) / 2.',
  'lesson.s74.cost.title': 'Exercise: the cost of a convolution',
  'lesson.s74.cost.text':
    '§7.4 exercise 2: how many multiply-adds does one forward pass take? Count C·kh·kw products for each of the O·Ho·Wo outputs.',
  'lesson.practice.pair.title': 'A picture and its blur',
  'lesson.practice.pair.text':
    'A colour picture the app draws itself (3 channels R, G, B), and the same picture through a 3×3 Gaussian blur applied to each channel: the output channels are the blurred picture.',
  'lesson.practice.learnFilter.title': 'Learn the filter from the pair',
  'lesson.practice.learnFilter.text':
    'ImageMagick applies one kernel to every channel, so learn one kernel: on the picture’s grey, from zeros, with SGD and momentum. Press Run and watch the loss fall as the kernel becomes the blur (1 2 1 / 2 4 2 / 1 2 1, over 16).',
  'lesson.practice.export.title': 'Export the learned kernel',
  'lesson.practice.export.text':
    'Export (in the toolbar) writes the learned kernel as an ImageMagick -morphology kernel, a NumPy .npy file or a PyTorch snippet: apply it to your own pictures there.',
  'lesson.practice.ownPair.title': 'Your own before/after pair',
  'lesson.practice.ownPair.text':
    'With your photos: in Explore, import the “before” photo as X (untick “Keep colour” to learn one kernel); in Train, choose the drawn target and “Import target Y…” the “after” photo, of the same size; set the kernel size and Run.',
  'exercise.check': 'Check',
  'exercise.right': 'Right.',
  'exercise.wrong': 'Not yet.',
  'exercise.notRead': 'Type a shape such as 4×4.',
  'exercise.notCount': 'Type a whole number.',
  'exercise.diagonal.diagonal': 'K = [1, −1] on X',
  'exercise.diagonal.diagonalTransposeX': 'K = [1, −1] on X transposed',
  'exercise.diagonal.diagonalTransposeK': 'K transposed on X',
  'exercise.diagonal.zeros': 'Y is all zeros',
  'exercise.diagonal.plus': 'only +1 along a diagonal',
  'exercise.diagonal.minus': 'only −1 along a diagonal',
  'exercise.diagonal.both': 'both +1 and −1',
  'exercise.diagonal.because': 'Y here is: {answer}.',
  'exercise.zero.ok': 'Right: Y is all zeros, and K is not.',
  'exercise.zero.notTransposedImage': 'X is no longer the transposed edge image: apply the step again.',
  'exercise.zero.zeroKernel':
    'K is all zeros: that sees nothing by definition. Find a kernel with non-zero values.',
  'exercise.zero.booksKernel': 'That is the book’s kernel: find another one.',
  'exercise.zero.tooLarge': 'K is larger than X: there is no Y.',
  'exercise.zero.nonZero': 'Not yet: Y has non-zero values.',
  'exercise.second.ok': 'Right: the learned kernel is a second derivative, [1, −2, 1] up to scale.',
  'exercise.second.notLearned': 'Nothing is learned yet: run the training first.',
  'exercise.second.wrongSize': 'The learned kernel is not 1×3 or 3×1, the smallest second derivative.',
  'exercise.second.notSecondDerivative': 'The learned kernel is not proportional to [1, −2, 1] yet.',
  'exercise.shape.last': '8×8 input, 3×5 kernel, padding (0, 1), stride (3, 4)',
  'exercise.shape.strideNoPad': '28×28 input, 5×5 kernel, no padding, stride 2',
  'exercise.shape.dilated': '32×20 input, 3×3 kernel, padding (2, 1), stride (1, 2), dilation (2, 1)',
  'exercise.shape.answer': 'Output shape of: {layer}',
  'exercise.shape.why': 'rows: {rows}; columns: {cols}',
  'exercise.cost.twoChannels': '2 input channels of 3×3, 1 output, 2×2 kernel',
  'exercise.cost.firstLayer': '3 input channels of 32×32, 64 outputs, 3×3 kernel, padding 1',
  'exercise.cost.strided': 'the same with stride 2',
  'exercise.cost.answer': 'Multiply-adds of: {layer}',
  'exercise.cost.why': '{o} outputs × {oh}×{ow} cells × {c} inputs × {kh}×{kw} taps = {total}',
  'layerPreset.dilationTwo': 'Dilation 2, 3×3',
  'flow.label': 'Flow of output channel {o}',
  'flow.output': 'Output channel',
  'flow.map': 'X{c} ⋆ K{o},{c}',
  'flow.sum': 'Σ over inputs (output {o})',
  'flow.bias': '+ b{o} = {bias}',
  'flow.biased': 'Σ + b{o}',
  'flow.relu': 'ReLU',
  'flow.y': 'Y{o} from the flow',
  'flow.hint':
    'Each input channel through its kernel, their sum, plus the bias, through the activation: Y{o}. Hover a cell of Y{o} for its sum of products.',
  'flow.product': 'The 1×1 convolution as a matrix product',
  'flow.w': 'W ({o}×{c})',
  'flow.xFlat': 'X as {c}×{hw}',
  'flow.yFlat': 'Y as {o}×{hw}',
} as const;
