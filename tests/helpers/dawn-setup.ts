/** Setup for `npm run test:gpu:node`: the GPU suites in Node, on Dawn's navigator.gpu. */
import { installDawn, preferSwiftShaderIcd } from '../../cli/dawn';

preferSwiftShaderIcd();
const status = await installDawn();
if (!status.ok) throw new Error(`test:gpu:node: ${status.reason}`);
