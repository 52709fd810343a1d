// tconv-learn.ts as the blog embeds build it (vite.embed.config.ts): their
// core leaves the trainer out to stay within the size budget, so Learn mode is
// left out too, and <tconv-upsampler> shows no Mode switch without it.

export {};
