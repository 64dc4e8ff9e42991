#include "train/data_parallel.h"

#include "l1ra/error.h"

#include <string>

namespace l1ra {

// Consecutive trainables of one dtype and device, about bucketBytes each.
std::vector<std::vector<TrainableTensor*>> gradientBuckets(const std::vector<TrainableTensor*>& params, int64_t bucketBytes) {
    std::vector<std::vector<TrainableTensor*>> out;
    int64_t bytes = 0;
    for (TrainableTensor* p : params) {
        const bool fits = !out.empty() && bytes + int64_t(p->value.nbytes()) <= bucketBytes &&
                          out.back().front()->value.scalar_type() == p->value.scalar_type() &&
                          out.back().front()->value.device() == p->value.device();
        if (!fits) {
            out.emplace_back();
            bytes = 0;
        }
        out.back().push_back(p);
        bytes += int64_t(p->value.nbytes());
    }
    return out;
}

torch::Tensor flatGradients(const std::vector<TrainableTensor*>& bucket) {
    std::vector<torch::Tensor> parts;
    for (TrainableTensor* p : bucket) {
        const torch::Tensor& g = p->value.grad();
        parts.push_back(g.defined() ? g.reshape(-1) : torch::zeros({p->value.numel()}, p->value.options()));
    }
    return torch::cat(parts);
}

void takeFlatGradients(const std::vector<TrainableTensor*>& bucket, const torch::Tensor& flat) {
    int64_t offset = 0;
    for (TrainableTensor* p : bucket) {
        const int64_t n = p->value.numel();
        p->value.mutable_grad() = flat.narrow(0, offset, n).view(p->value.sizes());
        offset += n;
    }
}

void sumGradients(ProcessGroup& group, const std::vector<TrainableTensor*>& params, int64_t bucketBytes) {
    torch::NoGradGuard noGrad;
    const auto all = gradientBuckets(params, bucketBytes);
    std::vector<torch::Tensor> flats;
    for (const auto& bucket : all) flats.push_back(flatGradients(bucket));
    group.sum(flats);
    for (std::size_t b = 0; b < all.size(); ++b) takeFlatGradients(all[b], flats[b]);
}

void broadcastValues(ProcessGroup& group, const std::vector<TrainableTensor*>& params) {
    torch::NoGradGuard noGrad;
    const auto all = gradientBuckets(params, int64_t(25) << 20);
    std::vector<torch::Tensor> flats;
    for (const auto& bucket : all) {
        std::vector<torch::Tensor> parts;
        for (TrainableTensor* p : bucket) parts.push_back(p->value.detach().reshape(-1));
        flats.push_back(torch::cat(parts));
    }
    group.broadcast(flats);
    for (std::size_t b = 0; b < all.size(); ++b) {
        int64_t offset = 0;
        for (TrainableTensor* p : all[b]) {
            const int64_t n = p->value.numel();
            p->value.detach().copy_(flats[b].narrow(0, offset, n).view(p->value.sizes()));
            offset += n;
        }
    }
}

// The plan as integers: header (pruned, added, budget, fellBackToAll, capped), then per adapter (pruned, added,
// kept count, kept indices). Its length is bounded by what every process knows, the ranks before the plan.
ReallocationPlan broadcastPlan(ProcessGroup& group, const ReallocationPlan& ownPlan, const std::vector<int>& ranks) {
    int64_t bound = 5;
    for (int r : ranks) bound += 3 + r;
    std::vector<int64_t> packed(std::size_t(bound), 0);
    if (group.rank() == 0) {
        std::size_t at = 0;
        for (int64_t v : {int64_t(ownPlan.pruned), int64_t(ownPlan.added), int64_t(ownPlan.budget), int64_t(ownPlan.fellBackToAll),
                          int64_t(ownPlan.capped)})
            packed[at++] = v;
        for (const AdapterPlan& a : ownPlan.adapters) {
            packed[at++] = a.pruned;
            packed[at++] = a.added;
            packed[at++] = int64_t(a.keep.size());
            for (int k : a.keep) packed[at++] = k;
        }
    }
    std::vector<torch::Tensor> buffer{torch::tensor(packed, torch::kInt64)};
    group.broadcast(buffer);
    const auto* v = buffer[0].data_ptr<int64_t>();
    ReallocationPlan plan;
    std::size_t at = 0;
    plan.pruned = int(v[at++]);
    plan.added = int(v[at++]);
    plan.budget = int(v[at++]);
    plan.fellBackToAll = v[at++] != 0;
    plan.capped = int(v[at++]);
    for (std::size_t i = 0; i < ranks.size(); ++i) {
        AdapterPlan a;
        a.pruned = int(v[at++]);
        a.added = int(v[at++]);
        const int64_t kept = v[at++];
        for (int64_t k = 0; k < kept; ++k) a.keep.push_back(int(v[at++]));
        plan.adapters.push_back(std::move(a));
    }
    return plan;
}

void checkSameModel(ProcessGroup& group, const std::vector<TrainableTensor*>& params, const std::vector<int>& ranks, const char* when) {
    torch::NoGradGuard noGrad;
    // Each process's ranks and value sums; the max of x and of -x differ somewhere when the processes disagree.
    std::vector<double> mine;
    for (int r : ranks) mine.push_back(double(r));
    for (TrainableTensor* p : params) mine.push_back(p->value.detach().to(torch::kFloat64).sum().item<double>());
    auto own = torch::tensor(mine, torch::kFloat64);
    std::vector<torch::Tensor> both{own.clone(), -own};
    group.max(both);
    const bool same = torch::equal(both[0], -both[1]);
    if (!same) {
        std::string where;
        const auto differs = (both[0] != -both[1]).nonzero();
        const int64_t first = differs.numel() ? differs[0][0].item<int64_t>() : 0;
        where = first < int64_t(ranks.size()) ? "the rank of adapter " + std::to_string(first)
                                              : "trainable '" + params[std::size_t(first - int64_t(ranks.size()))]->name + "'";
        throw Error(std::string("data-parallel processes hold different models ") + when + " (" + where +
                    " differs between processes): the run stops rather than train on inconsistent copies");
    }
}

}  // namespace l1ra
