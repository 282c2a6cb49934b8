using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Encoders;

/// <summary>
/// Sizes of CaRL's policy network (Jaeger et al. 2025, autonomousvision/CaRL team_code_roach/rl_config.py and
/// cnn_model.py PPOPolicy); the defaults are CaRL's. Serializable, so a checkpoint rebuilds the same network.
/// </summary>
public sealed record CaRLOptions
{
    /// <summary>rl_config.features_dim: width of the features shared by the policy and value heads.</summary>
    public int FeaturesDim { get; init; } = 256;

    /// <summary>PPOPolicy states_neurons: the measurements MLP (Linear + LayerNorm + ReLU per layer).</summary>
    public int[] StatesNeurons { get; init; } = [256, 256];

    /// <summary>PPOPolicy policy_head_arch: hidden layers before the Beta head's Linear.</summary>
    public int[] PolicyHead { get; init; } = [256, 256];

    /// <summary>PPOPolicy value_head_arch: hidden layers before the value Linear.</summary>
    public int[] ValueHead { get; init; } = [256, 256];

    /// <summary>rl_config.use_value_measurements: the critic also sees the value-only measurements (never the actor).</summary>
    public bool UseValueMeasurements { get; init; } = true;

    public void Validate()
    {
        if (FeaturesDim < 1) throw new ArgumentException($"CaRL features_dim must be >= 1 (got {FeaturesDim}).");
        foreach (var (name, sizes) in new[] { ("states_neurons", StatesNeurons), ("policy_head", PolicyHead), ("value_head", ValueHead) })
        {
            if (sizes is null || sizes.Length == 0 || sizes.Any(s => s < 1))
                throw new ArgumentException($"CaRL {name} must be a non-empty list of positive widths (got [{string.Join(", ", sizes ?? [])}]).");
        }
    }
}

/// <summary>
/// The BEV trunk of CaRL's <c>roach_ln2</c> image encoder (autonomousvision/CaRL team_code_roach/cnn_model.py,
/// XtMaCNN): unpadded convs 5x5/2 with 8, 16, 24, 32 channels, then 3x3/2 64, 3x3/1 128, 3x3/1 256, each followed by
/// a LayerNorm over the whole (C, H, W) map (with its own affine weights per element) and ReLU; 256x256 -> 256x2x2,
/// flattened to 1024. Convs are initialised as CaRL's <c>_weights_init</c>: Xavier-uniform with ReLU gain, bias 0.1.
/// Input: an HWC image batch, uint8 scaled by 1/255 in the graph.
/// </summary>
/// <remarks>
/// Smaller rasters (our CPU presets) keep CaRL's layer sequence but start with only as many 5x5/2 convs, taking
/// CaRL's last channel counts, as bring the map to CaRL's 13x13 before the 3x3 convs: 256 -> 8, 16, 24, 32;
/// 128 -> 16, 24, 32; 64 -> 24, 32. The tail (64@6x6, 128@4x4, 256@2x2, flatten 1024) is then CaRL's exactly, and
/// so is everything after it. This is our deviation from CaRL, which trains at 256x256 only. Sizes whose 5x5/2
/// convs do not land on 13x13 (e.g. 192, 100) are refused.
/// </remarks>
public sealed class CaRLBevCnn : nn.Module<Tensor, Tensor>
{
    /// <summary>CaRL's 5x5/2 conv channels at 256x256; smaller rasters use the last ones.</summary>
    public static readonly int[] StemChannels = [8, 16, 24, 32];

    /// <summary>The map size CaRL's 5x5/2 convs end at, where its 3x3 convs start.</summary>
    public const int StemOutput = 13;

    private readonly ModuleList<Conv2d> convs;
    private readonly ModuleList<LayerNorm> norms;
    private readonly long[][] _hwc;

    public CaRLBevCnn(int height, int width, int channels) : base("carl_bev_cnn")
    {
        if (channels < 1) throw new ArgumentException($"The BEV needs at least one channel (got {channels}).");
        int stem = StemLayers(height, width);
        var layers = new List<ConvLayer>();
        int c = channels, h = height, w = width;
        void Add(int outC, int kernel, int stride)
        {
            h = NatureCnn.Out(h, kernel, stride, 0);
            w = NatureCnn.Out(w, kernel, stride, 0);
            layers.Add(new ConvLayer(c, outC, kernel, stride, h, w));
            c = outC;
        }
        foreach (int outC in StemChannels[^stem..]) Add(outC, 5, 2);
        Add(64, 3, 2);
        Add(128, 3, 1);
        Add(256, 3, 1);
        Layers = layers;
        convs = new ModuleList<Conv2d>();
        norms = new ModuleList<LayerNorm>();
        foreach (var l in layers)
        {
            var conv = nn.Conv2d(l.Inputs, l.Outputs, l.Kernel, stride: l.Stride);
            using (no_grad())
            {
                nn.init.xavier_uniform_(conv.weight!, Math.Sqrt(2.0)); // nn.init.calculate_gain('relu')
                nn.init.constant_(conv.bias!, 0.1);
            }
            convs.Add(conv);
            norms.Add(nn.LayerNorm([l.Outputs, l.Height, l.Width]));
        }
        _hwc = layers.Select(l => new long[] { l.Height, l.Width, l.Outputs }).ToArray();
        FlatSize = c * h * w;
        RegisterComponents();
    }

    /// <summary>One conv of the trunk: channels in and out, kernel, stride and the map size after it.</summary>
    public readonly record struct ConvLayer(int Inputs, int Outputs, int Kernel, int Stride, int Height, int Width);

    public IReadOnlyList<ConvLayer> Layers { get; }

    /// <summary>Values after the last conv: 1024 (256 x 2 x 2) for every accepted size.</summary>
    public int FlatSize { get; }

    /// <summary>
    /// How many 5x5/2 convs bring a height x width raster to 13x13 (1 to 4: 29-30, 61-64, 125-132, 253-268 pixels);
    /// throws naming the accepted sizes otherwise.
    /// </summary>
    public static int StemLayers(int height, int width)
    {
        for (int k = 1; k <= StemChannels.Length; k++)
        {
            int h = height, w = width;
            for (int i = 0; i < k; i++) (h, w) = (NatureCnn.Out(h, 5, 2, 0), NatureCnn.Out(w, 5, 2, 0));
            if (h == StemOutput && w == StemOutput) return k;
        }
        throw new ArgumentException(
            $"CaRL's BEV CNN takes rasters that its 5x5/2 convs bring to {StemOutput}x{StemOutput}: 29-30, 61-64, 125-132 or 253-268 pixels "
            + $"a side, the same number of convs for height and width (e.g. 64, 128, 256); got {height}x{width}.");
    }

    /// <summary>
    /// Runs channels-last: the HWC input is scaled to float as it lies, each conv sees an NCHW view of NHWC memory and
    /// returns NHWC (oneDNN's channels-last kernels), and each LayerNorm normalises the contiguous (H, W, C) block with
    /// its (C, H, W) weights permuted alike, which is the same function as CaRL's. Besides saving the copies between
    /// layouts, this keeps oneDNN off its blocked layout, where libtorch 2.10 runs the conv from 24 channels on a
    /// padded copy of its input whose padding is left uninitialised: NaN or stale values at small batch sizes
    /// (<see cref="TorchBackends"/>). The flattened output is in CaRL's (C, H, W) order.
    /// </summary>
    public override Tensor forward(Tensor image)
    {
        var x = image.dtype == ScalarType.Byte ? image.to_type(ScalarType.Float32).div_(Scalars.Pixel) : image.to_type(ScalarType.Float32);
        for (int i = 0; i < convs.Count; i++)
        {
            var y = convs[i].forward(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1);
            // In place: LayerNorm's backward needs its input, not its output.
            x = nn.functional.layer_norm(y, _hwc[i], norms[i].weight!.permute(1, 2, 0), norms[i].bias!.permute(1, 2, 0), LayerNormEps).relu_();
        }
        return x.permute(0, 3, 1, 2).flatten(1);
    }

    /// <summary>PyTorch's LayerNorm default, which CaRL keeps.</summary>
    public const double LayerNormEps = 1e-5;
}

/// <summary>Linear + LayerNorm + ReLU per hidden width, PyTorch's default Linear init (CaRL's MLPs with use_layer_norm).</summary>
public sealed class LayerNormMlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> linears;
    private readonly ModuleList<LayerNorm> norms;

    public LayerNormMlp(string name, int inputSize, IReadOnlyList<int> hidden) : base(name)
    {
        linears = new ModuleList<Linear>();
        norms = new ModuleList<LayerNorm>();
        int prev = inputSize;
        foreach (int h in hidden)
        {
            linears.Add(nn.Linear(prev, h));
            norms.Add(nn.LayerNorm(h));
            prev = h;
        }
        OutputSize = prev;
        RegisterComponents();
    }

    public int OutputSize { get; }

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < linears.Count; i++) x = norms[i].forward(linears[i].forward(x)).relu_();
        return x;
    }
}

/// <summary>
/// CaRL's state encoder (XtMaCNN in autonomousvision/CaRL team_code_roach/cnn_model.py, <c>use_layer_norm</c>):
/// the BEV through <see cref="CaRLBevCnn"/>, the measurements through an MLP of <see cref="CaRLOptions.StatesNeurons"/>,
/// both concatenated into Linear 512 + LayerNorm + ReLU, Linear <see cref="CaRLOptions.FeaturesDim"/> + LayerNorm + ReLU.
/// </summary>
public sealed class CaRLEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Width of CaRL's joint layer after the concatenation.</summary>
    public const int JointWidth = 512;

    private readonly CaRLBevCnn cnn;
    private readonly LayerNormMlp state;
    private readonly LayerNormMlp joint;

    public CaRLEncoder(int height, int width, int channels, int measurements, CaRLOptions options) : base("carl_encoder")
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cnn = new CaRLBevCnn(height, width, channels);
        state = new LayerNormMlp("state", measurements, options.StatesNeurons);
        joint = new LayerNormMlp("joint", cnn.FlatSize + state.OutputSize, [JointWidth, options.FeaturesDim]);
        OutputSize = options.FeaturesDim;
        RegisterComponents();
    }

    public CaRLBevCnn Cnn => cnn;
    public int OutputSize { get; }

    /// <summary>Features [B x FeaturesDim] from the BEV [B,H,W,C] and the measurements [B x M].</summary>
    public override Tensor forward(Tensor bev, Tensor measurements) =>
        joint.forward(cat([cnn.forward(bev), state.forward(measurements)], 1));
}
