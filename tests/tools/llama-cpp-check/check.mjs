// Loads the project's GGUF exports with llama.cpp (through node-llama-cpp's prebuilt CPU build) and prints, for each
// prompt, the token ids llama.cpp's tokenizer makes, the greedy continuation and the top-5 next-token probabilities.
import {getLlama} from "node-llama-cpp";
import fs from "node:fs";

const [,, modelPath, loraPath, promptsFile, maxTokens] = process.argv;
const prompts = JSON.parse(fs.readFileSync(promptsFile, "utf8"));
const llama = await getLlama({gpu: false, logLevel: "error"});
const model = await llama.loadModel({modelPath});
const out = [];
for (const prompt of prompts) {
    const context = await model.createContext({contextSize: 256, threads: 1,
        lora: loraPath && loraPath !== "-" ? {adapters: [{filePath: loraPath, scale: 1}]} : undefined});
    const sequence = context.getSequence();
    // As transformers and this project encode a prompt: BOS first (tokenize() does not add it).
    const ids = [model.tokens.bos, ...model.tokenize(prompt, true)];
    const generated = [];
    let top5 = null;
    for await (const step of sequence.evaluateWithMetadata(ids, {probabilities: true}, {temperature: 0, yieldEogToken: true})) {
        if (top5 === null) top5 = [...step.probabilities.entries()].slice(0, 5);
        generated.push(step.token);
        if (model.isEogToken(step.token) || generated.length >= Number(maxTokens)) break;
    }
    out.push({prompt, ids, generated, top5});
    await context.dispose();
}
console.log(JSON.stringify(out));
