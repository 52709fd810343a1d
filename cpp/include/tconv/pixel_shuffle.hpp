// Sub-pixel convolution's rearrangement (Shi et al. 2016), with PyTorch's
// semantics (torch.nn.functional.pixel_shuffle / pixel_unshuffle): the other
// learned up-sampling, a conv2d to C·r² channels followed by pixel_shuffle,
// equals a transposed convolution of stride r with a rearranged kernel.
#pragma once

#include <cstdint>
#include <xtensor/xarray.hpp>

namespace tconv {

/// (*, C·r², H, W) → (*, C, H·r, W·r): output[…, c, h·r + i, w·r + j] =
/// input[…, c·r² + i·r + j, h, w]. Any number of leading (batch) dimensions,
/// at least 3 dimensions in all; r = upscale_factor ≥ 1.
xt::xarray<float> pixel_shuffle(const xt::xarray<float>& input, std::int64_t upscale_factor);

/// The inverse: (*, C, H·r, W·r) → (*, C·r², H, W); H and W must be multiples of r.
xt::xarray<float> pixel_unshuffle(const xt::xarray<float>& input, std::int64_t downscale_factor);

}  // namespace tconv
