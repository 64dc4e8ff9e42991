# Our engine against llama.cpp on the same prompts: prompt token ids, greedy continuation, top-5 next-token probabilities.
# Usage: compare.py L1RA_BINARY PROMPTS_JSON (in the work folder run.sh prepared: demo/model, run/, llama-*.json)
import json, subprocess, struct, math, sys
B=sys.argv[1]
prompts=json.load(open(sys.argv[2]))
failures=0
def ours(adapter):
    res=[]
    for i,p in enumerate(prompts):
        args=[B,'generate','--model','demo/model','--prompt',p,'--max-new-tokens','24','--json','--threads','1','--dtype','f32']
        if adapter: args+=['--adapter',adapter]
        g=json.loads(subprocess.run(args,capture_output=True,text=True).stdout.strip().splitlines()[0])
        ids=g['prompt_ids']
        out=f'/tmp/lg{i}.safetensors'
        a=[B,'logits','--model','demo/model','--ids',','.join(map(str,ids)),'--out',out,'--dtype','f32','--threads','1']
        if adapter: a+=['--adapter',adapter]
        subprocess.run(a,check=True,capture_output=True)
        raw=open(out,'rb').read(); n=struct.unpack('<Q',raw[:8])[0]; info=json.loads(raw[8:8+n])['logits']
        T,V=info['shape']; s,e=info['data_offsets']; data=raw[8+n+s:8+n+e]
        last=struct.unpack(f'<{V}f',data[(T-1)*V*4:T*V*4])
        m=max(last); z=sum(math.exp(x-m) for x in last); probs=[math.exp(x-m)/z for x in last]
        top=sorted(range(V),key=lambda k:-probs[k])[:5]
        res.append({'ids':ids,'generated':g['ids'],'top5':[[k,probs[k]] for k in top]})
    return res
for name,adapter,files in [('tuned (merged gguf)','run',['llama-merged.json']),('tuned (base gguf + lora gguf)','run',['llama-lora.json']),('base','',['llama-base.json'])]:
    o=ours(adapter or None); l=json.load(open(files[0]))
    for i,(a,b) in enumerate(zip(o,l)):
        dp=max(abs(x[1]-y[1]) for x,y in zip(a['top5'],b['top5']))
        ok=a['ids']==b['ids'] and a['generated']==b['generated'] and dp<1e-3
        failures+=0 if ok else 1
        print(f"{name}, prompt {i}: prompt ids equal {a['ids']==b['ids']}, greedy equal {a['generated']==b['generated']} ({len(a['generated'])} tokens), "
              f"top-5 ids equal {[x[0] for x in a['top5']]==[y[0] for y in b['top5']]}, max |p_ours - p_llama.cpp| {dp:.1e}")
sys.exit(1 if failures else 0)
