/** USB chapter 9 and DFU descriptors: constants, parsers, names, and enumeration over a control-IN function. */
export * from './constants.js';
export * from './parse.js';
export * from './setup.js';
export * from './enumerate.js';
