using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Encoders;

/// <summary>
/// The DQN convolutional trunk of Mnih et al. 2015 ("Human-level control through deep reinforcement learning"),
/// as in CleanRL's ppo_atari.py and SB3's NatureCNN: 32 8x8/4, 64 4x4/2, 64 3x3/1 convs, flatten, Linear
/// <see cref="OutputSize"/>, ReLU throughout. Input: an HWC image batch (uint8 scaled by 1/255 in the graph).
/// </summary>
public sealed class NatureCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly Linear fc;

    public NatureCnn(int height, int width, int channels, int features = 512) : base("nature_cnn")
    {
        int h = Out(Out(Out(height, 8, 4, 0), 4, 2, 0), 3, 1, 0);
        int w = Out(Out(Out(width, 8, 4, 0), 4, 2, 0), 3, 1, 0);
        if (h < 1 || w < 1)
            throw new ArgumentException($"NatureCnn needs images of at least 36x36; got {height}x{width}.");
        conv1 = Init.Conv(channels, 32, 8, 4, 0, Init.Relu);
        conv2 = Init.Conv(32, 64, 4, 2, 0, Init.Relu);
        conv3 = Init.Conv(64, 64, 3, 1, 0, Init.Relu);
        FlatSize = 64 * h * w;
        fc = Init.Linear(FlatSize, features, Init.Relu);
        OutputSize = features;
        RegisterComponents();
    }

    /// <summary>Values after the last conv (the Linear's input): 1024 for 64x64, 4096 for 96x96.</summary>
    public int FlatSize { get; }
    public int OutputSize { get; }

    public override Tensor forward(Tensor image)
    {
        var x = ImageInput.ToChw(image);
        x = conv1.forward(x).relu_();
        x = conv2.forward(x).relu_();
        x = conv3.forward(x).relu_();
        return fc.forward(x.flatten(1)).relu_();
    }

    /// <summary>Spatial size after a conv or pool (PyTorch's floor formula).</summary>
    internal static int Out(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;
}
