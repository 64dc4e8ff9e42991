#include "reference_forward.h"

#include <cmath>
#include <stdexcept>

namespace l1ra::test {

namespace {

using Vec = std::vector<double>;

// y[o] = sum_i W[o, i] x[i] (+ b[o]); W row-major [out, in].
Vec linear(const Vec& W, const Vec& b, const Vec& x, int64_t out) {
    const int64_t in = int64_t(x.size());
    if (int64_t(W.size()) != out * in) throw std::runtime_error("reference: weight of the wrong size");
    Vec y(std::size_t(out), 0.0);
    for (int64_t o = 0; o < out; ++o) {
        double acc = b.empty() ? 0.0 : b[std::size_t(o)];
        for (int64_t i = 0; i < in; ++i) acc += W[std::size_t(o * in + i)] * x[std::size_t(i)];
        y[std::size_t(o)] = acc;
    }
    return y;
}

Vec rmsNorm(const Vec& x, const Vec& w, double eps) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / double(x.size()) + eps);
    Vec y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * w[i];
    return y;
}

// Rotate-half RoPE on one head vector at `position`: pairs (i, i + d/2) rotate by position / theta^(2i/d).
void rotate(double* x, int64_t d, int64_t position, double theta) {
    for (int64_t i = 0; i < d / 2; ++i) {
        const double angle = double(position) / std::pow(theta, double(2 * i) / double(d));
        const double c = std::cos(angle), s = std::sin(angle);
        const double a = x[i], b = x[i + d / 2];
        x[i] = a * c - b * s;
        x[i + d / 2] = b * c + a * s;
    }
}

}  // namespace

std::vector<double> referenceLogits(const ReferenceShape& s, const WeightLookup& weight, const std::vector<int64_t>& ids) {
    const int64_t T = int64_t(ids.size()), D = s.hidden, hd = s.headDim, H = s.heads, KV = s.kvHeads;
    const Vec embed = weight("model.embed_tokens.weight");
    std::vector<Vec> x(static_cast<std::size_t>(T));
    for (int64_t t = 0; t < T; ++t) x[std::size_t(t)].assign(embed.begin() + ids[std::size_t(t)] * D, embed.begin() + (ids[std::size_t(t)] + 1) * D);

    for (int64_t l = 0; l < s.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        auto w = [&](const std::string& n) { return weight(p + n); };
        // Attention: q, k, v for every position first (keys of earlier positions are needed by later queries).
        const auto n = static_cast<std::size_t>(T);
        std::vector<Vec> q(n), k(n), v(n), h(n);
        for (int64_t t = 0; t < T; ++t) {
            h[std::size_t(t)] = rmsNorm(x[std::size_t(t)], w("input_layernorm.weight"), s.rmsEps);
            q[std::size_t(t)] = linear(w("self_attn.q_proj.weight"), w("self_attn.q_proj.bias"), h[std::size_t(t)], H * hd);
            k[std::size_t(t)] = linear(w("self_attn.k_proj.weight"), w("self_attn.k_proj.bias"), h[std::size_t(t)], KV * hd);
            v[std::size_t(t)] = linear(w("self_attn.v_proj.weight"), w("self_attn.v_proj.bias"), h[std::size_t(t)], KV * hd);
            for (int64_t head = 0; head < H; ++head) rotate(q[std::size_t(t)].data() + head * hd, hd, t, s.ropeTheta);
            for (int64_t head = 0; head < KV; ++head) rotate(k[std::size_t(t)].data() + head * hd, hd, t, s.ropeTheta);
        }
        for (int64_t t = 0; t < T; ++t) {
            Vec attn(std::size_t(H * hd), 0.0);
            for (int64_t head = 0; head < H; ++head) {
                const int64_t kvHead = head / (H / KV);
                Vec score(std::size_t(t + 1));
                double mx = -1e300;
                for (int64_t u = 0; u <= t; ++u) {
                    double dot = 0;
                    for (int64_t i = 0; i < hd; ++i) dot += q[std::size_t(t)][std::size_t(head * hd + i)] * k[std::size_t(u)][std::size_t(kvHead * hd + i)];
                    score[std::size_t(u)] = dot / std::sqrt(double(hd));
                    mx = std::max(mx, score[std::size_t(u)]);
                }
                double sum = 0;
                for (double& e : score) sum += (e = std::exp(e - mx));
                for (int64_t u = 0; u <= t; ++u)
                    for (int64_t i = 0; i < hd; ++i)
                        attn[std::size_t(head * hd + i)] += score[std::size_t(u)] / sum * v[std::size_t(u)][std::size_t(kvHead * hd + i)];
            }
            const Vec o = linear(w("self_attn.o_proj.weight"), w("self_attn.o_proj.bias"), attn, D);
            for (int64_t i = 0; i < D; ++i) x[std::size_t(t)][std::size_t(i)] += o[std::size_t(i)];
        }
        // MLP: down(silu(gate(h)) * up(h)).
        for (int64_t t = 0; t < T; ++t) {
            const Vec hn = rmsNorm(x[std::size_t(t)], w("post_attention_layernorm.weight"), s.rmsEps);
            const Vec g = linear(w("mlp.gate_proj.weight"), w("mlp.gate_proj.bias"), hn, s.ffn);
            const Vec u = linear(w("mlp.up_proj.weight"), w("mlp.up_proj.bias"), hn, s.ffn);
            Vec act(std::size_t(s.ffn));
            for (int64_t i = 0; i < s.ffn; ++i) act[std::size_t(i)] = g[std::size_t(i)] / (1 + std::exp(-g[std::size_t(i)])) * u[std::size_t(i)];
            const Vec down = linear(w("mlp.down_proj.weight"), w("mlp.down_proj.bias"), act, D);
            for (int64_t i = 0; i < D; ++i) x[std::size_t(t)][std::size_t(i)] += down[std::size_t(i)];
        }
    }
    const Vec head = s.tied ? embed : weight("lm_head.weight");
    std::vector<double> logits;
    for (int64_t t = 0; t < T; ++t) {
        const Vec y = linear(head, {}, rmsNorm(x[std::size_t(t)], weight("model.norm.weight"), s.rmsEps), s.vocab);
        logits.insert(logits.end(), y.begin(), y.end());
    }
    return logits;
}

}  // namespace l1ra::test
