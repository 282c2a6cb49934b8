using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Encoders;

/// <summary>CleanRL's <c>layer_init</c>: orthogonal weights with a gain, zero bias.</summary>
internal static class Init
{
    public static readonly double Relu = Math.Sqrt(2.0);

    public static Linear Linear(int inputs, int outputs, double gain)
    {
        var layer = nn.Linear(inputs, outputs);
        Orthogonal(layer.weight!, layer.bias, gain);
        return layer;
    }

    public static Conv2d Conv(int inputs, int outputs, int kernel, int stride, int padding, double gain)
    {
        var layer = nn.Conv2d(inputs, outputs, kernel, stride: stride, padding: padding);
        Orthogonal(layer.weight!, layer.bias, gain);
        return layer;
    }

    private static void Orthogonal(Tensor weight, Tensor? bias, double gain)
    {
        using var _ = no_grad();
        nn.init.orthogonal_(weight, gain);
        if (bias is not null) nn.init.zeros_(bias);
    }
}
