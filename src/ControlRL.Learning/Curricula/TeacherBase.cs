using ControlRL.Core.Random;
using ControlRL.Core.Tasks;

namespace ControlRL.Learning.Curricula;

/// <summary>
/// Shared plumbing of the teachers: argument checks, return normalisation, uniform sampling, the generator,
/// counters and their checkpoint entries. Subclasses implement the sampling rule and the model update.
/// </summary>
public abstract class TeacherBase : ITeacher
{
    private readonly double[] _taskScratch;

    protected TeacherBase(string name, TaskSpace space, ulong seed, TeacherOptions? options)
    {
        ArgumentNullException.ThrowIfNull(space);
        Name = name;
        Space = space;
        Seed = seed;
        Options = options ?? new TeacherOptions();
        Options.Validate();
        Rng = new Rng(seed);
        _taskScratch = new double[space.Size];
    }

    /// <summary>Factory name (<c>alp-gmm</c>, ...); also checked when state is loaded.</summary>
    public string Name { get; }

    public TaskSpace Space { get; }
    public TeacherOptions Options { get; }
    /// <summary>The construction seed (restored from checkpoints: GMM fits derive their seeds from it).</summary>
    protected ulong Seed { get; private set; }
    protected Rng Rng { get; }

    public long Updates { get; private set; }
    public long Samples { get; private set; }

    public virtual string StateName => "curriculum";

    public void SampleTask(Span<float> task)
    {
        if (task.Length != Space.Size)
            throw new ArgumentException($"{Name}: a task has {Space.Size} parameters ({string.Join(", ", Space.Names)}), the buffer has {task.Length}.", nameof(task));
        SampleCore(task);
        // Float rounding of a clipped double can step just outside a bound; the env would refuse it.
        for (int i = 0; i < task.Length; i++) task[i] = Math.Clamp(float.IsFinite(task[i]) ? task[i] : Space.Low[i], Space.Low[i], Space.High[i]);
        Samples++;
    }

    public void Update(ReadOnlySpan<float> task, double episodeReturn)
    {
        if (task.Length != Space.Size)
            throw new ArgumentException($"{Name}: a task has {Space.Size} parameters, got {task.Length}.", nameof(task));
        for (int i = 0; i < task.Length; i++)
        {
            if (!float.IsFinite(task[i])) throw new ArgumentException($"{Name}: task parameter '{Space.Names[i]}' is {task[i]}.", nameof(task));
        }
        if (!double.IsFinite(episodeReturn)) throw new ArgumentException($"{Name}: episode return {episodeReturn} is not finite.", nameof(episodeReturn));
        UpdateCore(task, NormalizeReturn(episodeReturn));
        Updates++;
    }

    /// <summary>Linear map of [ReturnLow, ReturnHigh] onto [0, 1], clipped (numpy.interp, as teachDeepRL's controller).</summary>
    public double NormalizeReturn(double episodeReturn) =>
        Math.Clamp((episodeReturn - Options.ReturnLow) / (Options.ReturnHigh - Options.ReturnLow), 0.0, 1.0);

    protected abstract void SampleCore(Span<float> task);

    /// <param name="normalizedReturn">The return mapped to [0, 1].</param>
    protected abstract void UpdateCore(ReadOnlySpan<float> task, double normalizedReturn);

    public TeacherDiagnostics Diagnostics => BuildDiagnostics();

    protected virtual TeacherDiagnostics BuildDiagnostics() => new(Name, Updates, Samples, 0, 0, 0, []);

    /// <summary>Uniform task in the space's box.</summary>
    protected void SampleUniform(Span<float> task)
    {
        for (int i = 0; i < task.Length; i++) task[i] = (float)Rng.Uniform(Space.Low[i], Space.High[i]);
    }

    /// <summary>Writes the first Space.Size coordinates of <paramref name="x"/> clipped to the bounds.</summary>
    protected void ClipToSpace(ReadOnlySpan<double> x, Span<float> task)
    {
        for (int i = 0; i < task.Length; i++) task[i] = (float)Math.Clamp(x[i], Space.Low[i], Space.High[i]);
    }

    protected Span<double> TaskScratch => _taskScratch;

    /// <summary>
    /// Index drawn with probability proportional to <paramref name="weights"/> (teachDeepRL's proportional_choice:
    /// uniform when they sum to zero). Negative or non-finite weights count as zero.
    /// </summary>
    protected int ProportionalChoice(ReadOnlySpan<double> weights)
    {
        double sum = 0;
        foreach (double w in weights) sum += w > 0 && double.IsFinite(w) ? w : 0;
        if (!(sum > 0)) return Rng.NextInt(weights.Length);
        double u = Rng.NextDouble() * sum, acc = 0;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i] > 0 && double.IsFinite(weights[i]) ? weights[i] : 0;
            if (w == 0) continue;
            last = i;
            acc += w;
            if (u < acc) return i;
        }
        return last;
    }

    // ------------------------------------------------------------------ state

    public void SaveState(IDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["teacher"] = [TeacherFactory.Code(Name), Space.Size];
        state["bounds"] = [.. Space.Low.Select(v => (double)v), .. Space.High.Select(v => (double)v)];
        state["seed"] = StateCodec.EncodeWords([Seed]);
        state["rng"] = StateCodec.EncodeWords(Rng.GetState());
        state["counters"] = [Updates, Samples];
        SaveCore(state);
    }

    public void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var id = StateCodec.Get(state, "teacher", 2);
        if (id[0] != TeacherFactory.Code(Name))
            throw new InvalidDataException($"Checkpoint entry 'teacher' holds the state of teacher '{TeacherFactory.NameOf(id[0])}', not '{Name}'.");
        if (id[1] != Space.Size)
            throw new InvalidDataException($"Checkpoint entry 'teacher' is for a {id[1]}-parameter task space; this one has {Space.Size} ({Space.Describe()}).");
        var bounds = StateCodec.Get(state, "bounds", 2 * Space.Size);
        for (int i = 0; i < Space.Size; i++)
        {
            if (bounds[i] != Space.Low[i] || bounds[Space.Size + i] != Space.High[i])
                throw new InvalidDataException($"Checkpoint entry 'bounds': task parameter '{Space.Names[i]}' had bounds [{bounds[i]}, {bounds[Space.Size + i]}], now {Space.Describe()}.");
        }
        var words = StateCodec.DecodeWords(StateCodec.Get(state, "rng", 12), "rng");
        var counters = StateCodec.Get(state, "counters", 2);
        ulong seed = StateCodec.DecodeWords(StateCodec.Get(state, "seed", 2), "seed")[0];
        LoadCore(state);
        Seed = seed;
        try
        {
            Rng.SetState(words);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Checkpoint entry 'rng': {e.Message}", e);
        }
        Updates = StateCodec.ToCount(counters[0], "counters");
        Samples = StateCodec.ToCount(counters[1], "counters");
    }

    protected virtual void SaveCore(IDictionary<string, double[]> state) { }

    protected virtual void LoadCore(IReadOnlyDictionary<string, double[]> state) { }
}

/// <summary>Encoding helpers for teacher checkpoints (everything is a named double array).</summary>
internal static class StateCodec
{
    /// <summary>Each 64-bit word as (low 32 bits, high 32 bits): both exactly representable in a double.</summary>
    public static double[] EncodeWords(ulong[] words)
    {
        var d = new double[2 * words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            d[2 * i] = (uint)words[i];
            d[2 * i + 1] = (uint)(words[i] >> 32);
        }
        return d;
    }

    public static ulong[] DecodeWords(double[] d, string name)
    {
        if (d.Length % 2 != 0) throw new InvalidDataException($"Checkpoint entry '{name}' has an odd length {d.Length}.");
        var w = new ulong[d.Length / 2];
        for (int i = 0; i < w.Length; i++) w[i] = Half(d[2 * i], name) | ((ulong)Half(d[2 * i + 1], name) << 32);
        return w;
    }

    private static uint Half(double v, string name)
    {
        if (!(v >= 0 && v <= uint.MaxValue) || Math.Floor(v) != v)
            throw new InvalidDataException($"Checkpoint entry '{name}' holds {v}, not a 32-bit word.");
        return (uint)v;
    }

    public static double[] Get(IReadOnlyDictionary<string, double[]> state, string name, int? length = null)
    {
        if (!state.TryGetValue(name, out var v) || v is null) throw new InvalidDataException($"Checkpoint entry '{name}' is missing.");
        if (length is { } n && v.Length != n) throw new InvalidDataException($"Checkpoint entry '{name}' has {v.Length} values, expected {n}.");
        return v;
    }

    public static int ToCount(double v, string name)
    {
        if (!(v >= 0 && v <= int.MaxValue) || Math.Floor(v) != v)
            throw new InvalidDataException($"Checkpoint entry '{name}' holds {v}, not a count.");
        return (int)v;
    }

    public static double[] Floats(List<float> values)
    {
        var d = new double[values.Count];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return d;
    }

    public static List<float> ToFloats(double[] d, string name)
    {
        var list = new List<float>(d.Length);
        foreach (double v in d)
        {
            if (!double.IsFinite(v)) throw new InvalidDataException($"Checkpoint entry '{name}' holds a non-finite value.");
            list.Add((float)v);
        }
        return list;
    }

    public static List<double> ToDoubles(double[] d, string name)
    {
        foreach (double v in d)
        {
            if (!double.IsFinite(v)) throw new InvalidDataException($"Checkpoint entry '{name}' holds a non-finite value.");
        }
        return [.. d];
    }

    /// <summary>A GMM as "{prefix}/shape" = [k, d], weights, means, covariances (absent when null).</summary>
    public static void SaveGmm(IDictionary<string, double[]> state, string prefix, GaussianMixture? gmm)
    {
        if (gmm is null)
        {
            state[$"{prefix}/shape"] = [0, 0];
            return;
        }
        state[$"{prefix}/shape"] = [gmm.Components, gmm.Dimension];
        state[$"{prefix}/weights"] = (double[])gmm.WeightsArray.Clone();
        state[$"{prefix}/means"] = (double[])gmm.MeansArray.Clone();
        state[$"{prefix}/covariances"] = (double[])gmm.CovariancesArray.Clone();
    }

    public static GaussianMixture? LoadGmm(IReadOnlyDictionary<string, double[]> state, string prefix, int dimension, double reg)
    {
        var shape = Get(state, $"{prefix}/shape", 2);
        int k = ToCount(shape[0], $"{prefix}/shape");
        if (k == 0) return null;
        if (shape[1] != dimension) throw new InvalidDataException($"Checkpoint entry '{prefix}/shape' has dimension {shape[1]}, expected {dimension}.");
        var w = Get(state, $"{prefix}/weights", k);
        var m = Get(state, $"{prefix}/means", k * dimension);
        var c = Get(state, $"{prefix}/covariances", k * dimension * dimension);
        // Saved covariances already factor, so no ridge is added and the mixture is bit-identical.
        return new GaussianMixture(dimension, w, m, c, reg);
    }
}
