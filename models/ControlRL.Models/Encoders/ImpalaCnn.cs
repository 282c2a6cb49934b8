using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Encoders;

/// <summary>
/// The IMPALA ResNet of Espeholt et al. 2018, as in CleanRL's ppo_procgen.py: per stage a 3x3 conv, a 3x3/2
/// max-pool (padding 1) and two residual blocks (relu, conv, relu, conv, + input); channels 16, 32, 32; then
/// ReLU, flatten, Linear <see cref="OutputSize"/>, ReLU. Input: an HWC image batch (uint8 scaled in the graph).
/// </summary>
public sealed class ImpalaCnn : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ConvSequence> stages;
    private readonly Linear fc;

    public ImpalaCnn(int height, int width, int channels, int features = 256, IReadOnlyList<int>? stageChannels = null)
        : base("impala_cnn")
    {
        stages = new ModuleList<ConvSequence>();
        int c = channels, h = height, w = width;
        foreach (int outC in stageChannels ?? [16, 32, 32])
        {
            stages.Add(new ConvSequence(c, outC));
            c = outC;
            h = NatureCnn.Out(h, 3, 2, 1);
            w = NatureCnn.Out(w, 3, 2, 1);
        }
        FlatSize = c * h * w;
        fc = Init.Linear(FlatSize, features, Init.Relu);
        OutputSize = features;
        RegisterComponents();
    }

    /// <summary>Values after the last stage: 2048 for 64x64 (32 x 8 x 8), 4608 for 96x96.</summary>
    public int FlatSize { get; }
    public int OutputSize { get; }

    public override Tensor forward(Tensor image)
    {
        var x = ImageInput.ToChw(image);
        foreach (var s in stages) x = s.forward(x);
        return fc.forward(x.relu().flatten(1)).relu_();
    }

    private sealed class ConvSequence : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv;
        private readonly MaxPool2d pool;
        private readonly ResidualBlock res0;
        private readonly ResidualBlock res1;

        public ConvSequence(int inputs, int outputs) : base("conv_sequence")
        {
            conv = Init.Conv(inputs, outputs, 3, 1, 1, Init.Relu);
            pool = nn.MaxPool2d(3, stride: 2, padding: 1);
            res0 = new ResidualBlock(outputs);
            res1 = new ResidualBlock(outputs);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => res1.forward(res0.forward(pool.forward(conv.forward(x))));
    }

    private sealed class ResidualBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv0;
        private readonly Conv2d conv1;

        public ResidualBlock(int channels) : base("residual_block")
        {
            conv0 = Init.Conv(channels, channels, 3, 1, 1, Init.Relu);
            conv1 = Init.Conv(channels, channels, 3, 1, 1, Init.Relu);
            RegisterComponents();
        }

        // Not in place: the block's input is added back after the convs.
        public override Tensor forward(Tensor x) => conv1.forward(conv0.forward(x.relu()).relu()) + x;
    }
}
