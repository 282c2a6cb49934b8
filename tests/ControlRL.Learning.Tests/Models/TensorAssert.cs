using static TorchSharp.torch;

namespace ControlRL.Learning.Tests.Models;

internal static class TensorAssert
{
    /// <summary>Same shape and bit-identical values.</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
