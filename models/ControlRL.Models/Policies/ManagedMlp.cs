using System.Numerics;
using System.Runtime.InteropServices;

namespace ControlRL.Models.Policies;

/// <summary>
/// A small MLP evaluated in managed code. Rollouts act through it: at batch sizes of 1-64 a TorchSharp call
/// costs more in per-op overhead (~1.5 us each) than the arithmetic, and this path allocates nothing.
/// Weights are refreshed from the TorchSharp module after every update.
/// </summary>
public sealed class ManagedMlp
{
    private readonly int[] _sizes;
    private readonly int _widest;
    private readonly float[][] _weights; // [layer][out * in], row-major like torch.nn.Linear.weight
    private readonly float[][] _biases;
    private float[] _bufA = [];
    private float[] _bufB = [];

    public ManagedMlp(int[] sizes, Activation activation)
    {
        if (sizes.Length < 2) throw new ArgumentException("An MLP needs at least input and output sizes.");
        _sizes = (int[])sizes.Clone();
        _widest = sizes.Max();
        Activation = activation;
        _weights = new float[sizes.Length - 1][];
        _biases = new float[sizes.Length - 1][];
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            _weights[l] = new float[sizes[l + 1] * sizes[l]];
            _biases[l] = new float[sizes[l + 1]];
        }
    }

    public Activation Activation { get; }
    public int InputSize => _sizes[0];
    public int OutputSize => _sizes[^1];
    public int LayerCount => _weights.Length;
    public Span<float> Weights(int layer) => _weights[layer];
    public Span<float> Biases(int layer) => _biases[layer];

    /// <summary>Forward pass of <paramref name="batch"/> rows: input [batch x in] -> output [batch x out].</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        if (input.Length < batch * InputSize || output.Length < batch * OutputSize)
            throw new ArgumentException($"ManagedMlp.Forward: buffers too small for batch {batch} ({input.Length} in, {output.Length} out).");
        if (_bufA.Length < batch * _widest)
        {
            // Grows once to the largest batch seen; steady-state calls allocate nothing.
            _bufA = new float[batch * _widest];
            _bufB = new float[batch * _widest];
        }
        ReadOnlySpan<float> x = input[..(batch * InputSize)];
        for (int l = 0; l < _weights.Length; l++)
        {
            int nIn = _sizes[l], nOut = _sizes[l + 1];
            bool last = l == _weights.Length - 1;
            Span<float> y = last ? output[..(batch * nOut)] : (l % 2 == 0 ? _bufA : _bufB).AsSpan(0, batch * nOut);
            for (int r = 0; r < batch; r++)
            {
                ReadOnlySpan<float> xr = x.Slice(r * nIn, nIn);
                Span<float> yr = y.Slice(r * nOut, nOut);
                for (int o = 0; o < nOut; o++)
                {
                    float v = _biases[l][o] + Dot(_weights[l].AsSpan(o * nIn, nIn), xr);
                    yr[o] = last ? v : Activation == Activation.Tanh ? MathF.Tanh(v) : MathF.Max(v, 0f);
                }
            }
            x = y;
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int k = 0; k < va.Length; k++) acc += va[k] * vb[k];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
