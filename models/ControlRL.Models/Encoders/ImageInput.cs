using static TorchSharp.torch;

namespace ControlRL.Models.Encoders;

/// <summary>Turns an HWC image batch into the float NCHW input of a conv net, inside the autograd graph.</summary>
internal static class ImageInput
{

    /// <summary>
    /// [B,H,W,C] -> [B,C,H,W] float32. uint8 pixels are scaled by 1/255 (CleanRL's <c>x / 255.0</c>) after the
    /// permute, so rollout storage keeps 1 byte per pixel; float images are taken as already scaled.
    /// </summary>
    public static Tensor ToChw(Tensor hwc)
    {
        var chw = hwc.permute(0, 3, 1, 2);
        return hwc.dtype == ScalarType.Byte
            ? chw.to_type(ScalarType.Float32).div_(Scalars.Pixel) // a rooted Scalar: see Scalars
            : chw.to_type(ScalarType.Float32);
    }
}
