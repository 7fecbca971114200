export { onParentGone } from './parent-gone.js';
