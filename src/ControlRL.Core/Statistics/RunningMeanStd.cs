using System.Numerics;
using ControlRL.Core.Checkpoints;

namespace ControlRL.Core.Statistics;

/// <summary>
/// Per-dimension running mean and (population) variance over batches, merged with the parallel algorithm of
/// Chan et al. as Gymnasium/SB3 do: the count starts at a small epsilon (1e-4), mean at 0 and variance at 1, so
/// the first batch dominates without dividing by zero. Double precision; no allocation per update.
/// </summary>
public sealed class RunningMeanStd : IStatefulComponent
{
    private readonly double[] _batchMean;
    private readonly double[] _batchM2;

    public RunningMeanStd(int size, double epsilon = 1e-4, string stateName = "rms")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The initial count must be positive.");
        Size = size;
        InitialCount = epsilon;
        StateName = stateName;
        Mean = new double[size];
        Var = new double[size];
        _batchMean = new double[size];
        _batchM2 = new double[size];
        Clear();
    }

    public int Size { get; }
    public double InitialCount { get; }
    public double[] Mean { get; }
    public double[] Var { get; }
    public double Count { get; private set; }
    public string StateName { get; }

    /// <summary>Back to the initial state (mean 0, var 1, count epsilon).</summary>
    public void Clear()
    {
        Array.Clear(Mean);
        Array.Fill(Var, 1.0);
        Count = InitialCount;
    }

    /// <summary>Adds a batch of <paramref name="rows"/> samples laid out row-major ([rows x Size]).</summary>
    public void Update(ReadOnlySpan<float> batch, int rows) => UpdateCore(batch, rows);

    /// <summary>Adds a batch of <paramref name="rows"/> samples laid out row-major ([rows x Size]).</summary>
    public void Update(ReadOnlySpan<double> batch, int rows) => UpdateCore(batch, rows);

    // Two-pass batch moments in double, then the parallel merge; specialised per element type by the JIT.
    private void UpdateCore<T>(ReadOnlySpan<T> batch, int rows) where T : INumberBase<T>
    {
        CheckBatch(batch.Length, rows);
        Array.Clear(_batchMean);
        Array.Clear(_batchM2);
        for (int r = 0; r < rows; r++)
        {
            var row = batch.Slice(r * Size, Size);
            for (int d = 0; d < Size; d++) _batchMean[d] += double.CreateTruncating(row[d]);
        }
        for (int d = 0; d < Size; d++) _batchMean[d] /= rows;
        for (int r = 0; r < rows; r++)
        {
            var row = batch.Slice(r * Size, Size);
            for (int d = 0; d < Size; d++)
            {
                double dev = double.CreateTruncating(row[d]) - _batchMean[d];
                _batchM2[d] += dev * dev;
            }
        }
        Merge(rows);
    }

    private void CheckBatch(int length, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (length != rows * Size)
            throw new ArgumentException($"Batch holds {length} values; {rows} rows x size {Size} = {rows * Size} expected.");
    }

    // Chan et al.: combine (mean, var, count) with the batch's (mean, M2 / n, n).
    private void Merge(int n)
    {
        double total = Count + n;
        for (int d = 0; d < Size; d++)
        {
            double delta = _batchMean[d] - Mean[d];
            double m2 = Var[d] * Count + _batchM2[d] + delta * delta * Count * n / total;
            Mean[d] += delta * n / total;
            Var[d] = m2 / total;
        }
        Count = total;
    }

    public void SaveState(IDictionary<string, double[]> state)
    {
        state["mean"] = (double[])Mean.Clone();
        state["var"] = (double[])Var.Clone();
        state["count"] = [Count];
    }

    public void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        double[] mean = Entry(state, "mean", Size);
        double[] var = Entry(state, "var", Size);
        double[] count = Entry(state, "count", 1);
        for (int d = 0; d < Size; d++)
        {
            if (!double.IsFinite(mean[d]) || !double.IsFinite(var[d]) || var[d] < 0)
                throw new InvalidDataException($"{StateName}: entry 'mean'/'var' has an invalid value at {d} (mean={mean[d]}, var={var[d]}).");
        }
        if (!(count[0] > 0) || !double.IsFinite(count[0]))
            throw new InvalidDataException($"{StateName}: entry 'count' must be positive and finite, got {count[0]}.");
        mean.CopyTo(Mean, 0);
        var.CopyTo(Var, 0);
        Count = count[0];
    }

    internal double[] Entry(IReadOnlyDictionary<string, double[]> state, string key, int length)
    {
        if (!state.TryGetValue(key, out var v))
            throw new InvalidDataException($"{StateName}: entry '{key}' is missing.");
        if (v is null || v.Length != length)
            throw new InvalidDataException($"{StateName}: entry '{key}' has {v?.Length ?? 0} values, {length} expected.");
        return v;
    }
}
