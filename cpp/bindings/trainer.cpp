// Embind declarations of the trainer (tconv/trainer.hpp): conversions only.
// createUpsamplerTrainer returns { trainer } (a TrainerHandle, which JS must
// delete()) or { error }; every method returns its result or { error }.
#include "tconv/trainer.hpp"

#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <vector>

#include "convert.hpp"

namespace tconv::js {
namespace {

constexpr std::string_view kCreate = "createUpsamplerTrainer";

std::vector<float> floats_of(const val& data) {
  std::vector<float> out(data["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", data);
  return out;
}

class TrainerHandle {
 public:
  // Shared, not unique: Embind copies the handle into the JS object, and the
  // temporary it copied from must not free the trainer.
  explicit TrainerHandle(std::shared_ptr<UpsamplerTrainer> trainer) : trainer_(std::move(trainer)) {}

  val step(double count) {
    return guarded("step", [&] {
      const TrainerStep s = trainer_->step(checked_integer("step", "count", count, Rule::positive));
      val result = val::object();
      result.set("step", static_cast<double>(s.step));
      result.set("loss", s.loss);
      return result;
    });
  }

  val evaluate() {
    return guarded("evaluate", [&] {
      const TrainerEvaluation e = trainer_->evaluate();
      val result = val::object();
      result.set("psnr", e.psnr);
      result.set("psnrBilinear", e.psnr_bilinear);
      result.set("psnrBicubic", e.psnr_bicubic);
      result.set("checkerboard", e.checkerboard);
      result.set("image", to_js(e.image));
      return result;
    });
  }

  val weights() const {
    return guarded("weights", [&] {
      val result = val::object();
      for (const auto& [name, tensor] : trainer_->weights()) result.set(name, to_js(*tensor));
      return result;
    });
  }

  val batch() const {
    return guarded("batch", [&] {
      val result = val::object();
      result.set("input", to_js(trainer_->batch_input()));
      result.set("target", to_js(trainer_->batch_target()));
      return result;
    });
  }

  val flat_response() {
    return guarded("flatResponse", [&] { return to_js(trainer_->flat_response()); });
  }

  val checkerboard() {
    return guarded("checkerboard", [&] { return val(trainer_->checkerboard()); });
  }

  val set_weight(const std::string& name, const val& data) {
    return guarded("setWeight", [&] {
      const std::vector<float> values = floats_of(data);
      trainer_->set_weight(name, values.data(), values.size());
      return val::undefined();
    });
  }

  val set_batch(const val& input, const val& target) {
    return guarded("setBatch", [&] {
      const std::vector<float> x = floats_of(input), t = floats_of(target);
      trainer_->set_batch(x.data(), x.size(), t.data(), t.size());
      return val::undefined();
    });
  }

 private:
  std::shared_ptr<UpsamplerTrainer> trainer_;
};

// Options the caller left out keep TrainerOptions' defaults (tconv/trainer.hpp, their one home).
val create_trainer_js(const val& data, double width, double height, const val& o) {
  return guarded(kCreate, [&] {
    TrainerOptions options;
    // In the order the messages should come: what the model is, then each number, then the image.
    options.model = parse_trainer_model(kCreate, o["model"].as<std::string>());
    const auto integer = [&](const char* name, std::int64_t& field, Rule rule) {
      const val v = o[name];
      if (!v.isUndefined()) field = checked_integer(kCreate, name, v.as<double>(), rule);
    };
    integer("factor", options.factor, Rule::positive);
    integer("hidden", options.hidden, Rule::non_negative);
    integer("seed", options.seed, Rule::non_negative);
    if (!o["learningRate"].isUndefined()) options.learning_rate = o["learningRate"].as<double>();
    integer("patch", options.patch, Rule::positive);
    integer("batch", options.batch, Rule::positive);
    const RgbaImage image = to_rgba(kCreate, "image", data, width, height);
    val result = val::object();
    result.set("trainer", TrainerHandle(std::make_shared<UpsamplerTrainer>(image, options, kCreate)));
    return result;
  });
}

// The up-sampling layer's operation and geometry for a model and factor (the core's model definitions).
val trainer_up_layer_js(const val& model, double factor) {
  constexpr std::string_view kUpLayer = "trainerUpLayer";
  return guarded(kUpLayer, [&] {
    const TrainerUpLayer layer = trainer_up_layer(kUpLayer, parse_trainer_model(kUpLayer, model.as<std::string>()),
                                                  checked_integer(kUpLayer, "factor", factor, Rule::positive));
    val result = val::object();
    result.set("kind", std::string(layer.kind));
    result.set("factor", static_cast<double>(layer.factor));
    result.set("padding", static_cast<double>(layer.padding));
    result.set("outputPadding", static_cast<double>(layer.output_padding));
    return result;
  });
}

}  // namespace
}  // namespace tconv::js

EMSCRIPTEN_BINDINGS(tconv_trainer) {
  using namespace emscripten;
  using namespace tconv::js;
  class_<TrainerHandle>("UpsamplerTrainerHandle")
      .function("step", &TrainerHandle::step)
      .function("evaluate", &TrainerHandle::evaluate)
      .function("weights", &TrainerHandle::weights)
      .function("batch", &TrainerHandle::batch)
      .function("flatResponse", &TrainerHandle::flat_response)
      .function("checkerboard", &TrainerHandle::checkerboard)
      .function("setWeight", &TrainerHandle::set_weight)
      .function("setBatch", &TrainerHandle::set_batch);
  function("createUpsamplerTrainer", &create_trainer_js);
  function("trainerUpLayer", &trainer_up_layer_js);
}
