// Learning an up-sampling on one image (issue 14): a small network that maps
// the image reduced f× by area averaging back to the image, trained with Adam
// on seeded random patches, so that a reader can watch a transposed
// convolution grow a checkerboard that resize-convolution and ICNR-initialised
// sub-pixel convolution do not.
//
// Every model is the core's own kernels: conv2d, conv_transpose2d and their
// backward passes, pixel shuffle, nearest ×f and its backward. Everything a
// step touches is allocated when the trainer is created; a step is
// single-threaded and its arithmetic has one fixed order, so the same options
// and seed give bit-identical losses wherever the same build runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <xtensor/xarray.hpp>

#include "tconv/image.hpp"

namespace tconv {

/// The up-sampling layer the trainer learns (what the `model` option names).
enum class TrainerModel {
  transposed_k3,   ///< conv_transpose2d kernel 3, stride f, padding 1, output_padding f − 1 (uneven overlap at f = 2)
  transposed_k2f,  ///< kernel 2f, stride f, padding ⌈f/2⌉, output_padding 2⌈f/2⌉ − f (even overlap)
  resize_conv,     ///< nearest ×f, then conv2d kernel 3, padding 1
  subpixel,        ///< conv2d kernel 3, padding 1, to 3·f² channels, then pixel_shuffle(f)
  subpixel_icnr,   ///< the same, ICNR-initialised (Aitken et al. 2017)
};

/// "transposed-k3", "transposed-k2f", "resize-conv", "subpixel" or "subpixel-icnr"; throws naming `model` otherwise.
TrainerModel parse_trainer_model(std::string_view function, std::string_view name);
std::string_view to_string(TrainerModel model);

// The trainer's caps, named once here (the JS API reads them from its errors).
inline constexpr std::int64_t kTrainerMinFactor = 2;
inline constexpr std::int64_t kTrainerMaxFactor = 4;
/// Most channels of the hidden 5×5 layer.
inline constexpr std::int64_t kTrainerMaxHidden = 64;
/// Low-resolution patch side: at least twice the receptive field, at most 256.
inline constexpr std::int64_t kTrainerMinPatch = 8;
inline constexpr std::int64_t kTrainerMaxPatch = 256;
inline constexpr std::int64_t kTrainerMaxBatch = 64;
/// Most floats of the training buffers (activations, gradients, Adam's
/// moments): 2^26, 256 MB, a quarter of what wasm32 can hold.
inline constexpr std::size_t kTrainerMaxFloats = std::size_t{1} << 26;
/// Side of the flat mid-grey low-resolution input of the checkerboard measure.
inline constexpr std::int64_t kFlatSize = 32;
/// Value of that input.
inline constexpr float kFlatValue = 0.5f;

struct TrainerOptions {
  TrainerModel model = TrainerModel::transposed_k3;
  std::int64_t factor = 2;
  /// 0: the up-sampling layer alone (linear, RGB → RGB). N > 0: conv 5×5
  /// (3 → N, padding 2) and ReLU first, then the up-sampling layer (N → 3).
  std::int64_t hidden = 16;
  /// Seeds the initialisation and the patches (an integer, 0 … 2^53).
  std::int64_t seed = 0;
  /// Adam's step size.
  double learning_rate = 1e-3;
  /// Low-resolution patch side; the target patch is patch·factor.
  std::int64_t patch = 48;
  /// Patches per step.
  std::int64_t batch = 8;
};

/// Checks every option and the image against them (it must hold one
/// patch·factor square once cropped); the messages name the option.
void check_trainer_options(std::string_view function, std::int64_t width, std::int64_t height,
                           const TrainerOptions& options);

/// The up-sampling layer of a model at a factor, as the trainer builds it:
/// its operation and geometry (the stride is the factor). A drawing of which
/// kernel taps feed which output phase asks this instead of restating the models.
struct TrainerUpLayer {
  /// "transposed": conv_transpose2d; "resize": nearest ×f, then conv2d;
  /// "subpixel": conv2d to 3·f² channels, then pixel_shuffle(f).
  std::string_view kind;
  std::int64_t factor;
  std::int64_t padding;         ///< the conv_transpose2d's, or the conv2d's
  std::int64_t output_padding;  ///< the conv_transpose2d's; 0 for the others
};

/// Checks `factor` (as check_trainer_options does) and gives the layer; the message names `factor`.
TrainerUpLayer trainer_up_layer(std::string_view function, TrainerModel model, std::int64_t factor);

struct TrainerStep {
  std::int64_t step;  ///< steps taken since creation
  double loss;        ///< the mean squared error (RGB in [0, 1]) of the last step's batch, before its update
};

struct TrainerEvaluation {
  /// PSNR (dB, RGB on 0–255) of the model's output for the whole low-resolution
  /// image against the cropped original, a border of 2·factor pixels left out;
  /// the output is clamped to [0, 255] (not rounded). Identical images: +inf.
  double psnr;
  double psnr_bilinear;  ///< the same for interpolate bilinear, align_corners false
  double psnr_bicubic;   ///< and bicubic
  /// max − min of the output for the flat input (kFlatSize², kFlatValue), a
  /// border of 8·factor pixels left out, in 0–255 units, the largest over RGB.
  double checkerboard;
  /// The model's output as an image of the cropped size (alpha: the original's).
  RgbaImage image;
};

/// A trainer for one image. Not copyable; one thread at a time.
class UpsamplerTrainer {
 public:
  /// `function` names the caller in messages.
  UpsamplerTrainer(const RgbaImage& image, const TrainerOptions& options,
                   std::string_view function = "upsampler_trainer");
  ~UpsamplerTrainer();
  UpsamplerTrainer(const UpsamplerTrainer&) = delete;
  UpsamplerTrainer& operator=(const UpsamplerTrainer&) = delete;

  /// `count` ≥ 1 Adam steps, each on the current batch, then a new batch is drawn.
  TrainerStep step(std::int64_t count = 1);
  TrainerEvaluation evaluate();
  /// The checkerboard measure alone (see TrainerEvaluation).
  double checkerboard();
  /// The output for the flat input as an image (kFlatSize·factor square, opaque,
  /// clamped and rounded to bytes).
  RgbaImage flat_response();

  /// The parameters by name, in a fixed order: "hidden.weight", "hidden.bias"
  /// (when hidden > 0), "up.weight", "up.bias"; torch's layouts.
  std::vector<std::pair<std::string, const xt::xarray<float>*>> weights() const;
  /// The batch the next step uses: input (B, 3, P, P) and target (B, 3, P·f, P·f), RGB in [0, 1].
  const xt::xarray<float>& batch_input() const;
  const xt::xarray<float>& batch_target() const;

  /// Replaces a parameter's values (tests, and replaying a run elsewhere); Adam's moments are kept.
  void set_weight(std::string_view name, const float* data, std::size_t length);
  /// Replaces the next step's batch.
  void set_batch(const float* input, std::size_t input_length, const float* target, std::size_t target_length);

  const TrainerOptions& options() const;
  /// The cropped size (height, width): a multiple of factor.
  Pair cropped_size() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

/// The cropped image reduced by area averaging: (3, H/f, W/f) RGB in [0, 1],
/// the image cropped to (H − H mod f, W − W mod f) from the top left.
xt::xarray<float> area_reduce(const RgbaImage& image, std::int64_t factor);

/// PSNR in dB of `output` (3, H, W), in [0, 1] and clamped, against the RGB of
/// `image` (at least H × W, read from the top left) on the 0–255 scale, rows
/// and columns within `border` of the edge left out; +inf when they agree.
double psnr_rgb(const xt::xarray<float>& output, const RgbaImage& image, std::int64_t border);

}  // namespace tconv
