using ControlRL.Core.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Encoders;

/// <summary>
/// Encodes every leaf of an observation space and concatenates the results into one feature vector of
/// <see cref="OutputSize"/>: image leaves through a conv trunk (<see cref="NatureCnn"/> or <see cref="ImpalaCnn"/>),
/// float/int vector leaves flattened (optionally through an MLP), Discrete/MultiDiscrete leaves one-hot.
/// Takes one tensor per leaf in <see cref="Space.Leaves"/> order, each [B x leaf shape], and checks each one's
/// dtype and shape so a wrongly wired env fails with the leaf's name rather than deep inside a conv.
/// </summary>
public sealed class CompositeEncoder : nn.Module<Tensor[], Tensor>
{
    private enum LeafKind { Image, Vector, OneHot }

    private readonly ModuleList<nn.Module<Tensor, Tensor>> encoders;
    private readonly LeafKind[] _kinds;
    private readonly string[] _keys;
    private readonly long[][] _shapes;
    private readonly ScalarType[] _dtypes;
    private readonly int[][] _nvec;

    public CompositeEncoder(Space observationSpace, EncoderOptions? options = null) : base("composite_encoder")
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        options ??= new EncoderOptions();
        options.Validate();
        Options = options;
        var leaves = observationSpace.Leaves;
        encoders = new ModuleList<nn.Module<Tensor, Tensor>>();
        _kinds = new LeafKind[leaves.Count];
        _keys = new string[leaves.Count];
        _shapes = new long[leaves.Count][];
        _dtypes = new ScalarType[leaves.Count];
        _nvec = new int[leaves.Count][];
        var sizes = new int[leaves.Count];
        for (int i = 0; i < leaves.Count; i++)
        {
            var (key, space) = (leaves[i].Key, leaves[i].Space);
            _keys[i] = key;
            _nvec[i] = [];
            switch (space)
            {
                case Box box when box.Shape.Length == 3 && (box.IsImage || (options.FloatImages && box.DType == DType.Float32)):
                {
                    int h = box.Shape[0], w = box.Shape[1], c = box.Shape[2];
                    nn.Module<Tensor, Tensor> cnn;
                    if (options.Cnn == "impala")
                    {
                        var m = new ImpalaCnn(h, w, c, options.ResolvedCnnFeatures);
                        (cnn, sizes[i]) = (m, m.OutputSize);
                    }
                    else
                    {
                        var m = new NatureCnn(h, w, c, options.ResolvedCnnFeatures);
                        (cnn, sizes[i]) = (m, m.OutputSize);
                    }
                    encoders.Add(cnn);
                    _kinds[i] = LeafKind.Image;
                    _shapes[i] = [h, w, c];
                    break;
                }
                case Box box:
                {
                    var mlp = new VectorEncoder(box.FlatSize, options.VectorHidden ?? []);
                    encoders.Add(mlp);
                    sizes[i] = mlp.OutputSize;
                    _kinds[i] = LeafKind.Vector;
                    _shapes[i] = box.Shape.Select(d => (long)d).ToArray();
                    break;
                }
                case Discrete d:
                    encoders.Add(nn.Identity());
                    _kinds[i] = LeafKind.OneHot;
                    _nvec[i] = [d.N];
                    sizes[i] = d.N;
                    _shapes[i] = [1];
                    break;
                case MultiDiscrete md:
                    encoders.Add(nn.Identity());
                    _kinds[i] = LeafKind.OneHot;
                    _nvec[i] = (int[])md.Nvec.Clone();
                    sizes[i] = md.Nvec.Sum();
                    _shapes[i] = [md.Nvec.Length];
                    break;
                default:
                    throw new ArgumentException($"Observation leaf '{Name(key)}' has an unsupported space {space.Describe()}.");
            }
            _dtypes[i] = ToScalar(space.DType);
        }
        LeafOutputSizes = sizes;
        OutputSize = sizes.Sum();
        RegisterComponents();
    }

    public EncoderOptions Options { get; }

    /// <summary>Length of the concatenated feature vector.</summary>
    public int OutputSize { get; }

    /// <summary>Features contributed by each leaf, in leaf order.</summary>
    public IReadOnlyList<int> LeafOutputSizes { get; }

    public override Tensor forward(Tensor[] observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Length != _kinds.Length)
            throw new ArgumentException($"The encoder takes {_kinds.Length} observation leaves ({string.Join(", ", _keys.Select(k => $"'{Name(k)}'"))}); it got {observations.Length}.");
        var parts = new Tensor[_kinds.Length];
        for (int i = 0; i < _kinds.Length; i++)
        {
            var x = observations[i];
            Check(i, x);
            parts[i] = _kinds[i] switch
            {
                LeafKind.Image => encoders[i].forward(x),
                LeafKind.Vector => encoders[i].forward(x.flatten(1).to_type(ScalarType.Float32)),
                _ => OneHot(x, _nvec[i]),
            };
        }
        return parts.Length == 1 ? parts[0] : cat(parts, 1);
    }

    private static Tensor OneHot(Tensor indices, int[] nvec)
    {
        var idx = indices.reshape(indices.shape[0], -1).to_type(ScalarType.Int64);
        if (nvec.Length == 1) return nn.functional.one_hot(idx[.., 0], nvec[0]).to_type(ScalarType.Float32);
        var parts = new Tensor[nvec.Length];
        for (int k = 0; k < nvec.Length; k++)
            parts[k] = nn.functional.one_hot(idx[.., k], nvec[k]).to_type(ScalarType.Float32);
        return cat(parts, 1);
    }

    // Discrete leaves may arrive as [B] or [B,1]; everything else must match the leaf's shape exactly.
    private void Check(int i, Tensor x)
    {
        var want = _shapes[i];
        bool dtypeOk = x.dtype == _dtypes[i] || (_kinds[i] == LeafKind.Image && Options.FloatImages && x.dtype == ScalarType.Float32);
        bool shapeOk = x.dim() == want.Length + 1;
        for (int d = 0; shapeOk && d < want.Length; d++) shapeOk = x.shape[d + 1] == want[d];
        if (!shapeOk && _kinds[i] == LeafKind.OneHot && _nvec[i].Length == 1 && x.dim() == 1) shapeOk = true;
        if (dtypeOk && shapeOk) return;
        throw new ArgumentException(
            $"observation leaf '{Name(_keys[i])}': expected {DTypeName(_dtypes[i])} [B,{string.Join(",", want)}], got {DTypeName(x.dtype)} [{string.Join(",", x.shape.Select((s, d) => d == 0 ? "B" : s.ToString()))}]");
    }

    private static string Name(string key) => key.Length == 0 ? "observation" : key;

    private static ScalarType ToScalar(DType d) => d switch
    {
        DType.UInt8 => ScalarType.Byte,
        DType.Int32 => ScalarType.Int32,
        _ => ScalarType.Float32,
    };

    private static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Byte => "uint8",
        ScalarType.Float32 => "float32",
        ScalarType.Int32 => "int32",
        ScalarType.Int64 => "int64",
        ScalarType.Float64 => "float64",
        _ => t.ToString().ToLowerInvariant(),
    };
}

/// <summary>Flatten, then an optional ReLU MLP (orthogonal init, gain sqrt 2) whose output also goes through ReLU.</summary>
public sealed class VectorEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;

    public VectorEncoder(int inputSize, IReadOnlyList<int> hidden) : base("vector_encoder")
    {
        layers = new ModuleList<Linear>();
        int prev = inputSize;
        foreach (int h in hidden)
        {
            layers.Add(Init.Linear(prev, h, Init.Relu));
            prev = h;
        }
        OutputSize = prev;
        RegisterComponents();
    }

    public int OutputSize { get; }

    public override Tensor forward(Tensor x)
    {
        x = x.flatten(1);
        foreach (var l in layers) x = l.forward(x).relu_();
        return x;
    }
}
