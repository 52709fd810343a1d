// Defines <tconv-upsampler-learn> (the upsampler's Learn mode); the class is
// in tconv-learn.component.ts, its CSS in tconv-learn.styles.ts.

export { TconvUpsamplerLearn } from './tconv-learn.component.js';
