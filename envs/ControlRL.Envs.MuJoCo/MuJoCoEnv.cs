using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.MuJoCo.Native;

namespace ControlRL.Envs.MuJoCo;

/// <summary>
/// Common machinery of the Gymnasium-v5-style MuJoCo tasks (Gymnasium's <c>MujocoEnv</c>): loads the task's
/// MJCF asset, maps an action onto <c>ctrl</c>, runs <see cref="FrameSkip"/> simulator steps per env step and
/// resets with noise drawn from an env-owned generator. Tasks supply the noise, observation, reward and
/// termination through the abstract hooks.
/// </summary>
/// <remarks>
/// As in Gymnasium, actions are written to <c>ctrl</c> unclipped (MuJoCo clamps limited controls inside the
/// step; a ClipAction wrapper is the place to clip what the cost sees). The raw env never truncates: the
/// registry's time limit does. A step that diverges (MuJoCo reports bad qpos/qvel/qacc, or a state turns
/// non-finite) throws <see cref="SimulatorException"/> instead of continuing from MuJoCo's silent auto-reset.
/// </remarks>
public abstract partial class MuJoCoEnv : IEnv
{
    /// <summary>Gymnasium registers every v5 locomotion task with this episode length.</summary>
    public const int DefaultMaxEpisodeSteps = 1000;

    /// <summary>Folder, relative to the assembly, that the project copies <c>Assets/*.xml</c> into.</summary>
    public const string AssetFolder = "Assets/MuJoCo";

    private readonly Rng _rng;
    private readonly double[] _initQpos;
    private readonly double[] _initQvel;
    private long _steps;
    private bool _needsReset = true;
    private bool _hasState;
    private bool _disposed;

    /// <param name="id">Registry id, used in error messages and the spec.</param>
    /// <param name="assetFile">File name of the MJCF asset inside <see cref="AssetFolder"/>.</param>
    /// <param name="frameSkip">Simulator steps per env step.</param>
    /// <param name="observationSize">Length of one observation.</param>
    /// <param name="rewardTerms">Names of the signed reward contributions, in buffer order.</param>
    /// <param name="notes">Deviations from Gymnasium, for the spec.</param>
    protected MuJoCoEnv(string id, string assetFile, int frameSkip, int observationSize,
        IReadOnlyList<string> rewardTerms, string notes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameSkip, 1);
        Id = id;
        FrameSkip = frameSkip;
        AssetPath = ResolveAsset(id, assetFile);
        Model = MjModel.LoadXml(AssetPath);
        try
        {
            Data = new MjData(Model);
        }
        catch
        {
            Model.Dispose();
            throw;
        }

        // Gymnasium's init_qpos/init_qvel: the model's reference configuration and rest.
        _initQpos = Model.Qpos0.ToArray();
        _initQvel = new double[Model.Nv];
        // Unseeded envs draw from fresh entropy (as gymnasium does); Reset(seed) makes episodes reproducible.
        _rng = new Rng((ulong)System.Random.Shared.NextInt64());

        Spec = BuildSpec(Model, id, frameSkip, observationSize, rewardTerms, notes);
    }

    private static EnvSpec BuildSpec(MjModel model, string id, int frameSkip, int observationSize,
        IReadOnlyList<string> rewardTerms, string notes) =>
        new(id,
            Box.Uniform(observationSize, float.NegativeInfinity, float.PositiveInfinity),
            BuildActionSpace(model),
            model.Timestep * frameSkip,
            frameSkip,
            DefaultMaxEpisodeSteps,
            rewardTerms) { Notes = notes };

    /// <summary>A task's spec from its MJCF asset alone (no MjData, no env): what the registry describes.</summary>
    public static EnvSpec DescribeAsset(string id, string assetFile, int frameSkip, int observationSize,
        IReadOnlyList<string> rewardTerms, string notes)
    {
        using var model = MjModel.LoadXml(ResolveAsset(id, assetFile));
        return BuildSpec(model, id, frameSkip, observationSize, rewardTerms, notes);
    }

    public EnvSpec Spec { get; }

    /// <summary>Registry id of this env.</summary>
    public string Id { get; }

    /// <summary>Simulator steps per env step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seconds of simulated time per env step.</summary>
    public double Dt => Spec.Dt;

    /// <summary>Full path of the loaded MJCF file.</summary>
    public string AssetPath { get; }

    /// <summary>Env steps since the last reset.</summary>
    public long StepsSinceReset => _steps;

    /// <summary>
    /// Copies the current simulator state, qpos (<c>Model.Nq</c> values) and qvel (<c>Model.Nv</c>), as Gymnasium's
    /// <c>data.qpos</c>/<c>data.qvel</c>: e.g. to replay an episode on another MjData of the same asset.
    /// </summary>
    public void CopyState(Span<double> qpos, Span<double> qvel)
    {
        ThrowIfDisposed();
        if (qpos.Length != Model.Nq || qvel.Length != Model.Nv)
            throw new ArgumentException($"{Id}: state needs {Model.Nq} qpos and {Model.Nv} qvel values.");
        Data.Qpos.CopyTo(qpos);
        Data.Qvel.CopyTo(qvel);
    }

    protected internal MjModel Model { get; }

    protected internal MjData Data { get; }

    /// <summary>The reference configuration (qpos0) that reset noise is added to.</summary>
    protected ReadOnlySpan<double> InitQpos => _initQpos;

    /// <summary>The reference velocity (zeros) that reset noise is added to.</summary>
    protected ReadOnlySpan<double> InitQvel => _initQvel;

    public void Reset(ObsRow row, ulong? seed = null)
    {
        Span<float> observation = row.Float();
        ThrowIfDisposed();
        RequireLength(observation.Length, Spec.ObservationSpace.FlatSize, "observation");
        if (seed is { } s) _rng.Seed(s);

        // mj_resetData, then the task's noisy state, then mj_forward (Gymnasium's reset + set_state).
        Data.Reset();
        ResetModel(_rng, Data.Qpos, Data.Qvel);
        FinishReset(observation);
    }

    /// <summary>
    /// Reset to a given state instead of a noisy one (Gymnasium's reset with <c>set_state(qpos, qvel)</c>):
    /// lets tests start an episode from exactly the state a reference starts from.
    /// </summary>
    internal void ResetToState(ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel, Span<float> observation)
    {
        ThrowIfDisposed();
        if (qpos.Length != Model.Nq || qvel.Length != Model.Nv)
            throw new ArgumentException($"{Id}: state needs {Model.Nq} qpos and {Model.Nv} qvel values.");
        RequireLength(observation.Length, Spec.ObservationSpace.FlatSize, "observation");
        Data.Reset();
        qpos.CopyTo(Data.Qpos);
        qvel.CopyTo(Data.Qvel);
        FinishReset(observation);
    }

    private void FinishReset(Span<float> observation)
    {
        Data.Forward();
        Data.ClearWarnings();
        _hasState = true;
        _steps = 0;
        _needsReset = false;
        WriteObservation(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        ThrowIfDisposed();
        if (_needsReset)
            throw new InvalidOperationException($"{Id}: Step called before Reset (or after the simulation diverged).");
        ValidateAction(action);
        RequireLength(observation.Length, Spec.ObservationSpace.FlatSize, "observation");
        RequireLength(rewardTerms.Length, Spec.RewardTerms.Count, "reward terms");

        BeforeSimulation();

        Span<double> ctrl = Data.Ctrl;
        for (int i = 0; i < ctrl.Length; i++) ctrl[i] = action[i];

        int badBefore = DivergenceWarnings();
        for (int k = 0; k < FrameSkip; k++) Data.Step();
        // cfrc_ext (and cacc/cfrc_int) are only filled by this call (MuJoCo 2.x), as Gymnasium does after stepping.
        Data.RnePostConstraint();
        _steps++;
        CheckDivergence(badBefore);

        var (reward, terminated) = AfterSimulation(action, observation, rewardTerms);
        return new StepOutcome((float)reward, terminated, false);
    }

    /// <summary>
    /// Writes the episode's initial qpos and qvel (into MuJoCo's buffers, already reset to qpos0 and zeros).
    /// </summary>
    protected abstract void ResetModel(Rng rng, Span<double> qpos, Span<double> qvel);

    /// <summary>Called before the action is applied; tasks record positions for the velocity estimate.</summary>
    protected virtual void BeforeSimulation()
    {
    }

    /// <summary>Writes the observation and the signed reward terms; returns the reward and termination.</summary>
    protected abstract (double Reward, bool Terminated) AfterSimulation(
        ReadOnlySpan<float> action, Span<float> observation, Span<float> rewardTerms);

    /// <summary>Writes the current observation (after reset and after each step).</summary>
    protected abstract void WriteObservation(Span<float> observation);

    /// <summary>Fails loudly when the asset does not have the dimensions the task's layout is written for.</summary>
    protected void RequireModel(int nq, int nv, int nu, int nbody)
    {
        if (Model.Nq != nq || Model.Nv != nv || Model.Nu != nu || Model.Nbody != nbody)
        {
            throw new InvalidDataException(
                $"{Id}: asset {AssetPath} has nq={Model.Nq}, nv={Model.Nv}, nu={Model.Nu}, nbody={Model.Nbody}; " +
                $"the task expects nq={nq}, nv={nv}, nu={nu}, nbody={nbody}.");
        }
    }

    /// <summary>Sum of a*a over the action (the control-cost base of every task).</summary>
    protected static double SumOfSquares(ReadOnlySpan<float> action)
    {
        double sum = 0;
        foreach (float a in action) sum += (double)a * a;
        return sum;
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> as float32; returns the count.</summary>
    protected static int Copy(ReadOnlySpan<double> source, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++) destination[i] = (float)source[i];
        return source.Length;
    }

    /// <summary>Copies with each value clipped to [low, high] (Gymnasium's np.clip on observation parts).</summary>
    protected static int CopyClipped(ReadOnlySpan<double> source, Span<float> destination, double low, double high)
    {
        for (int i = 0; i < source.Length; i++) destination[i] = (float)Math.Clamp(source[i], low, high);
        return source.Length;
    }

    protected static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    private void ValidateAction(ReadOnlySpan<float> action)
    {
        int nu = Model.Nu;
        if (action.Length != nu)
            throw new InvalidActionException($"{Id}: action has {action.Length} values, expected {nu}.");
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
                throw new InvalidActionException($"{Id}: action[{i}] is {action[i]} (must be finite).");
        }
    }

    private int DivergenceWarnings() =>
        Data.WarningCount(MjWarning.BadQacc) + Data.WarningCount(MjWarning.BadQpos) + Data.WarningCount(MjWarning.BadQvel);

    private void CheckDivergence(int badBefore)
    {
        // MuJoCo resets the state itself when qpos/qvel/qacc go bad and only counts a warning, so the count is
        // the signal; the finiteness check catches anything that slipped past it.
        bool warned = DivergenceWarnings() != badBefore;
        if (!warned && AllFinite(Data.Qpos) && AllFinite(Data.Qvel)) return;

        _needsReset = true;
        string what = warned
            ? $"MuJoCo reported bad qacc/qpos/qvel (warnings: qacc {Data.WarningCount(MjWarning.BadQacc)}, " +
              $"qpos {Data.WarningCount(MjWarning.BadQpos)}, qvel {Data.WarningCount(MjWarning.BadQvel)})"
            : "the state became non-finite";
        throw new SimulatorException(
            $"{Id}: simulation diverged at step {_steps} of the episode (sim time {Data.Time:0.###} s): {what}. Reset the env.");
    }

    private static Box BuildActionSpace(MjModel model)
    {
        int nu = model.Nu;
        var low = new float[nu];
        var high = new float[nu];
        ReadOnlySpan<double> range = model.ActuatorCtrlRange;
        ReadOnlySpan<byte> limited = model.ActuatorCtrlLimited;
        for (int i = 0; i < nu; i++)
        {
            // Gymnasium takes ctrlrange as is; an unlimited actuator (range 0 0) would give an empty box, so
            // report it as unbounded instead.
            bool isLimited = limited[i] != 0;
            low[i] = isLimited ? (float)range[2 * i] : float.NegativeInfinity;
            high[i] = isLimited ? (float)range[2 * i + 1] : float.PositiveInfinity;
        }
        return new Box(low, high);
    }

    private static string ResolveAsset(string id, string assetFile)
    {
        string primary = Path.Combine(AppContext.BaseDirectory, AssetFolder, assetFile);
        if (File.Exists(primary)) return primary;
        // MSBuild ignores LinkBase for files inside the project folder, so a build may place the assets under
        // Assets/ instead of Assets/MuJoCo/; accept that layout too.
        string fallback = Path.Combine(AppContext.BaseDirectory, "Assets", assetFile);
        if (File.Exists(fallback)) return fallback;
        throw new FileNotFoundException(
            $"{id}: MuJoCo asset '{assetFile}' not found at {primary} (nor at {fallback}). The " +
            "ControlRL.Envs.MuJoCo project copies its Assets/*.xml next to the assembly; rebuild, or copy " +
            "that folder alongside the application.", primary);
    }

    private void RequireLength(int actual, int expected, string what)
    {
        if (actual < expected)
            throw new ArgumentException($"{Id}: {what} buffer holds {actual} values, needs {expected}.");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposeRenderer();
        Data.Dispose();
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}
