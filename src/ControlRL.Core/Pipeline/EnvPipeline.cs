using System.Globalization;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;
using ControlRL.Core.Wrappers;

namespace ControlRL.Core.Pipeline;

/// <summary>
/// An ordered list of wrappers from a config. The single-env ones (<c>frame_skip</c>, <c>grayscale</c>,
/// <c>resize</c>, <c>frame_stack</c>, <c>time_limit</c>) wrap each raw sub-env in the given order, innermost first;
/// the vector-level ones (<c>clip_action</c>, <c>normalize_observation</c>, <c>normalize_reward</c>) are parsed,
/// validated and handed to the vector stage in their order as <see cref="VectorWrappers"/>.
/// <para>
/// Time limit: without a <c>time_limit</c> entry, a raw spec's <see cref="EnvSpec.MaxEpisodeSteps"/> is applied
/// innermost, on the raw env (as <see cref="EnvRegistry.Make"/> does), so it counts raw steps and a
/// <c>frame_skip</c> outside it ends episodes after <c>ceil(limit / k)</c> agent steps, the order of Gymnasium's
/// <c>make</c> + AtariPreprocessing and RL Zoo. An explicit <c>time_limit</c> replaces that default and sits where
/// it is listed (before <c>frame_skip</c>: raw steps; after: agent steps).
/// </para>
/// </summary>
public sealed class EnvPipeline
{
    private static readonly Dictionary<string, string[]> ArgNames = new(StringComparer.Ordinal)
    {
        ["frame_skip"] = ["k", "max_pool"],
        ["grayscale"] = ["keep_dim", "key"],
        ["resize"] = ["height", "width", "size", "key"],
        ["frame_stack"] = ["n", "padding", "key"],
        ["time_limit"] = ["max_steps"],
        ["clip_action"] = [],
        ["normalize_observation"] = ["keys", "clip", "epsilon"],
        ["normalize_reward"] = ["gamma", "clip", "epsilon"],
    };

    /// <summary>Wrapper names a pipeline accepts.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = ArgNames.Keys.ToArray();

    private readonly List<EnvStage> _stages = [];

    public EnvPipeline(IEnumerable<WrapperSpec> wrappers)
    {
        ArgumentNullException.ThrowIfNull(wrappers);
        var env = new List<WrapperSpec>();
        var vector = new List<VectorWrapperOptions>();
        foreach (var w in wrappers)
        {
            if (w is null) throw new ArgumentException("A wrapper entry is null.", nameof(wrappers));
            if (w.Name is null || !ArgNames.ContainsKey(w.Name))
                throw new ArgumentException($"Unknown wrapper '{w.Name}' (known: {string.Join(", ", KnownNames)}).");
            var a = new Args(w);
            a.CheckKnown();
            switch (w.Name)
            {
                case "frame_skip":
                {
                    int k = a.Int("k", 4);
                    bool pool = a.Bool("max_pool", false);
                    if (k < 1) throw a.Error($"k must be at least 1, got {k}");
                    if (pool && k < 2) throw a.Error("max_pool needs k >= 2");
                    _stages.Add(new(w, e => new FrameSkip(e, k, pool), s => FrameSkip.WrapSpec(s, k, pool)));
                    break;
                }
                case "grayscale":
                {
                    bool keep = a.Bool("keep_dim", true);
                    string? key = a.String("key");
                    _stages.Add(new(w, e => new GrayscaleObservation(e, keep, key),
                        s => s with { ObservationSpace = GrayscaleObservation.WrapSpace(s.ObservationSpace, keep, key) }));
                    break;
                }
                case "resize":
                {
                    var (h, wd) = a.Size();
                    string? key = a.String("key");
                    _stages.Add(new(w, e => new ResizeObservation(e, h, wd, key),
                        s => s with { ObservationSpace = ResizeObservation.WrapSpace(s.ObservationSpace, h, wd, key) }));
                    break;
                }
                case "frame_stack":
                {
                    int n = a.Int("n", null);
                    if (n < 1) throw a.Error($"n must be at least 1, got {n}");
                    var padding = a.String("padding") switch
                    {
                        null or "reset" => FrameStackPadding.Reset,
                        "zero" => FrameStackPadding.Zero,
                        var p => throw a.Error($"padding must be 'reset' or 'zero', got '{p}'"),
                    };
                    string? key = a.String("key");
                    _stages.Add(new(w, e => new FrameStack(e, n, padding, key),
                        s => s with { ObservationSpace = FrameStack.WrapSpace(s.ObservationSpace, n, key) }));
                    break;
                }
                case "time_limit":
                {
                    int max = a.Int("max_steps", null);
                    if (max < 1) throw a.Error($"max_steps must be positive, got {max}");
                    if (HasTimeLimit) throw a.Error("the pipeline already has a time_limit");
                    HasTimeLimit = true;
                    _stages.Add(new(w, e => new TimeLimit(e, max), s => s with { MaxEpisodeSteps = max }));
                    break;
                }
                case "clip_action":
                    vector.Add(new ClipActionOptions());
                    break;
                case "normalize_observation":
                {
                    var o = new NormalizeObservationOptions(a.StringList("keys"), a.Double("epsilon", 1e-8), (float)a.Double("clip", 10));
                    if (!(o.Clip > 0)) throw a.Error("clip must be positive");
                    if (!(o.Epsilon >= 0)) throw a.Error("epsilon must be non-negative");
                    vector.Add(o);
                    break;
                }
                case "normalize_reward":
                {
                    var o = new NormalizeRewardOptions(a.Double("gamma", 0.99), (float)a.Double("clip", 10), a.Double("epsilon", 1e-8));
                    if (!(o.Gamma >= 0 && o.Gamma <= 1)) throw a.Error($"gamma must be in [0, 1], got {o.Gamma}");
                    if (!(o.Clip > 0)) throw a.Error("clip must be positive");
                    if (!(o.Epsilon >= 0)) throw a.Error("epsilon must be non-negative");
                    vector.Add(o);
                    break;
                }
            }
            if (!w.Name.StartsWith("normalize_", StringComparison.Ordinal) && w.Name != "clip_action") env.Add(w);
        }
        EnvWrappers = env;
        VectorWrappers = vector;
    }

    public EnvPipeline(params WrapperSpec[] wrappers) : this((IEnumerable<WrapperSpec>)wrappers) { }

    /// <summary>The single-env wrappers, innermost first.</summary>
    public IReadOnlyList<WrapperSpec> EnvWrappers { get; }

    /// <summary>The vector-level wrappers, in the order the vector stage applies them.</summary>
    public IReadOnlyList<VectorWrapperOptions> VectorWrappers { get; }

    /// <summary>True when the list has its own <c>time_limit</c> (the raw spec's default is then not applied).</summary>
    public bool HasTimeLimit { get; private set; }

    /// <summary>
    /// Wraps a raw env (from <see cref="EnvRegistry.MakeRaw"/>, not <see cref="EnvRegistry.Make"/>, which adds the
    /// time limit already): the default time limit, then the single-env wrappers in order. The raw env is
    /// disposed if a wrapper refuses it.
    /// </summary>
    public IEnv Wrap(IEnv raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        IEnv env = raw;
        try
        {
            if (!HasTimeLimit && raw.Spec.MaxEpisodeSteps > 0) env = new TimeLimit(raw, raw.Spec.MaxEpisodeSteps);
            foreach (var s in _stages) env = Apply(s, env, () => s.Build(env));
            ValidateVector(env.Spec);
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>Builds <paramref name="id"/> without its default wrapper and wraps it.</summary>
    public IEnv Make(EnvRegistry registry, string id)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return Wrap(registry.MakeRaw(id));
    }

    /// <summary>The spec of the wrapped env, computed from the raw spec without building anything.</summary>
    public EnvSpec DescribeSpec(EnvSpec raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        EnvSpec spec = raw;
        foreach (var s in _stages) spec = Apply(s, spec, () => s.Describe(spec));
        ValidateVector(spec);
        return spec;
    }

    /// <summary>The wrapped spec of a registered env, without building it.</summary>
    public EnvSpec Describe(EnvRegistry registry, string id)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return DescribeSpec(registry.Describe(id));
    }

    // Adds the wrapper's position and config to the messages of the wrappers' own argument checks.
    private T Apply<T>(EnvStage s, T _, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Wrapper {_stages.IndexOf(s)} ({s.Spec}): {e.Message}", e);
        }
    }

    private void ValidateVector(EnvSpec spec)
    {
        foreach (var o in VectorWrappers)
        {
            switch (o)
            {
                case ClipActionOptions when spec.ActionSpace is not Box:
                    throw new ArgumentException($"clip_action needs a Box action space; {spec.Id} has {spec.ActionSpace.Describe()}.");
                case NormalizeObservationOptions n:
                    n.ResolveLeaves(spec.ObservationSpace);
                    break;
            }
        }
    }

    private sealed record EnvStage(WrapperSpec Spec, Func<IEnv, IEnv> Build, Func<EnvSpec, EnvSpec> Describe);

    /// <summary>Typed reads of a wrapper's arguments, with errors that name the wrapper and its known arguments.</summary>
    private sealed class Args(WrapperSpec spec)
    {
        private readonly IReadOnlyDictionary<string, object?> _args = spec.Args ?? new Dictionary<string, object?>();

        public ArgumentException Error(string what) => new($"Wrapper '{spec.Name}': {what}.");

        private bool TryGet(string name, out object? value)
        {
            if (!ArgNames[spec.Name].Contains(name)) throw new InvalidOperationException($"'{name}' is not an argument of {spec.Name}.");
            return _args.TryGetValue(name, out value) && value is not null;
        }

        public void CheckKnown()
        {
            foreach (var k in _args.Keys)
            {
                if (!ArgNames[spec.Name].Contains(k))
                {
                    var known = ArgNames[spec.Name];
                    throw Error($"unknown argument '{k}' (known: {(known.Length == 0 ? "none" : string.Join(", ", known))})");
                }
            }
        }

        public int Int(string name, int? fallback)
        {
            if (!TryGet(name, out var v)) return fallback ?? throw Error($"argument '{name}' is required");
            return ToInt(name, v!);
        }

        private int ToInt(string name, object v)
        {
            switch (v)
            {
                case int i: return i;
                case long l when l is >= int.MinValue and <= int.MaxValue: return (int)l;
                case double d when d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue: return (int)d;
                case string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p): return p;
                default: throw Error($"argument '{name}' must be an integer, got '{v}'");
            }
        }

        public double Double(string name, double fallback)
        {
            if (!TryGet(name, out var v)) return fallback;
            return v switch
            {
                int i => i,
                long l => l,
                double d => d,
                float f => f,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) => p,
                _ => throw Error($"argument '{name}' must be a number, got '{v}'"),
            };
        }

        public bool Bool(string name, bool fallback)
        {
            if (!TryGet(name, out var v)) return fallback;
            return v switch
            {
                bool b => b,
                string s when bool.TryParse(s, out bool p) => p,
                _ => throw Error($"argument '{name}' must be true or false, got '{v}'"),
            };
        }

        public string? String(string name)
        {
            if (!TryGet(name, out var v)) return null;
            return v as string ?? throw Error($"argument '{name}' must be a string, got '{v}'");
        }

        public IReadOnlyList<string>? StringList(string name)
        {
            if (!TryGet(name, out var v)) return null;
            if (v is string one) return [one];
            if (v is System.Collections.IEnumerable e)
            {
                var list = new List<string>();
                foreach (var x in e) list.Add(x as string ?? throw Error($"argument '{name}' must be a list of strings, got an item '{x}'"));
                return list;
            }
            throw Error($"argument '{name}' must be a list of strings, got '{v}'");
        }

        /// <summary><c>height</c> and <c>width</c>, or <c>size</c> (one number for a square, or [height, width]).</summary>
        public (int H, int W) Size()
        {
            bool hasH = TryGet("height", out var h), hasW = TryGet("width", out var w), hasSize = TryGet("size", out var size);
            if (hasSize && (hasH || hasW)) throw Error("give either size or height and width, not both");
            if (hasSize)
            {
                if (size is System.Collections.IEnumerable e and not string)
                {
                    var xs = e.Cast<object?>().ToArray();
                    if (xs.Length != 2 || xs[0] is null || xs[1] is null) throw Error("size must be one number or [height, width]");
                    return Positive(ToInt("size", xs[0]!), ToInt("size", xs[1]!));
                }
                int s = ToInt("size", size!);
                return Positive(s, s);
            }
            if (!hasH || !hasW) throw Error("needs height and width (or size)");
            return Positive(ToInt("height", h!), ToInt("width", w!));
        }

        private (int, int) Positive(int h, int w) =>
            h >= 1 && w >= 1 ? (h, w) : throw Error($"size {h}x{w} must be at least 1x1");
    }
}
