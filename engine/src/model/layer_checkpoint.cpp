#include "model/layer_checkpoint.h"

#include "model/precision.h"

#include <ATen/record_function.h>
#include <torch/csrc/autograd/custom_function.h>

namespace l1ra {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What the backward pass needs besides the input: the body and the autocast state it first ran under.
struct Recompute : torch::CustomClassHolder {
    LayerBody body;
    std::vector<torch::Tensor> parameters;
    AutocastState autocast;
};

class CheckpointedLayerFunction : public torch::autograd::Function<CheckpointedLayerFunction> {
public:
    // Runs with gradients off (custom functions' forward does): every activation is freed once used.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, torch::TensorList parameters,
                                 c10::intrusive_ptr<Recompute> recompute) {
        RECORD_USER_SCOPE("l1ra::checkpointed_layer_forward");
        (void)parameters;   // inputs only so that their gradients come back through this node
        torch::Tensor out = recompute->body(x);
        ctx->save_for_backward({x});
        ctx->saved_data["recompute"] = c10::IValue::make_capsule(std::move(recompute));
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        RECORD_USER_SCOPE("l1ra::checkpointed_layer_backward");
        const auto saved = ctx->get_saved_variables();
        const auto recompute = c10::static_intrusive_pointer_cast<Recompute>(ctx->saved_data["recompute"].toCapsule());
        // Arguments: x, the parameters, the recompute capsule (not a tensor); needs_input_grad counts tensors.
        const std::vector<torch::Tensor>& parameters = recompute->parameters;
        variable_list result(2 + parameters.size());
        if (!grads[0].defined()) return result;
        torch::AutoGradMode recording(true);
        AutocastRestore autocast(recompute->autocast);
        const torch::Tensor x = saved[0].detach().requires_grad_(ctx->needs_input_grad(0));
        const torch::Tensor out = recompute->body(x);
        std::vector<torch::Tensor> inputs;
        std::vector<std::size_t> slots;
        if (ctx->needs_input_grad(0)) {
            inputs.push_back(x);
            slots.push_back(0);
        }
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            if (!ctx->needs_input_grad(1 + i)) continue;
            inputs.push_back(parameters[i]);
            slots.push_back(1 + i);
        }
        if (inputs.empty()) return result;
        const auto g = torch::autograd::grad({out}, inputs, {grads[0]}, /*retain_graph=*/false, /*create_graph=*/false,
                                             /*allow_unused=*/true);
        for (std::size_t i = 0; i < g.size(); ++i) result[slots[i]] = g[i];
        return result;
    }
};

}  // namespace

torch::Tensor checkpointedLayer(const torch::Tensor& x, LayerBody body, const std::vector<torch::Tensor>& parameters) {
    auto recompute = c10::make_intrusive<Recompute>();
    recompute->body = std::move(body);
    recompute->parameters = parameters;
    recompute->autocast = currentAutocast();
    return CheckpointedLayerFunction::apply(x, torch::TensorList(parameters), recompute);   // a list, so that each is an input
}

}  // namespace l1ra
