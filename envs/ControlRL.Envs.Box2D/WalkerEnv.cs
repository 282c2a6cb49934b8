using System.Globalization;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Box2D.Native;

namespace ControlRL.Envs.Box2D;

/// <summary>
/// The walker machinery shared by Gymnasium's BipedalWalker and teachDeepRL's parameterized walker: builds a
/// fresh Box2D world from the terrain a subclass generates, drives the motors from the action, and computes the
/// observation and the reward (shaping difference, torque cost, -100 on a fall). One native call per step.
/// </summary>
/// <remarks>
/// As the references, Reset runs one step with a zero action and returns its observation (it also sets the
/// shaping baseline). Actions outside [-1, 1] are accepted: the motor speed uses the sign, the torque clips |a|
/// to 1. The raw env never truncates; the registry's time limit does. Frames for videos: <see cref="Render"/>
/// (WalkerEnv.Render.cs).
/// </remarks>
public abstract unsafe partial class WalkerEnv : IEnv, IRenderable
{
    /// <summary>Reward term names, in buffer order; they sum to the reward.</summary>
    public static IReadOnlyList<string> RewardTermNames { get; } = ["shaping", "torque_cost", "terminal"];

    /// <summary>Reward of a fall (hull touches the ground) or of leaving the terrain on the left.</summary>
    public const double FallReward = -100;

    private readonly WalkerHandle _handle;
    private readonly LidarMode _lidarMode;
    private readonly float[] _motor;
    private readonly float[] _out;
    private readonly float[] _zeroAction;
    private readonly Rng _rng;
    private double _prevShaping;
    private int _stepsSinceReset; // picks the lidar ray Gymnasium's render shows; nothing else reads it
    private bool _needsReset = true;
    private bool _disposed;

    private protected WalkerEnv(string id, WalkerMorphology morphology, LidarMode lidarMode, Box observationSpace,
        int maxEpisodeSteps, string notes)
    {
        ArgumentNullException.ThrowIfNull(morphology);
        if (observationSpace.FlatSize != morphology.ObservationSize)
            throw new ArgumentException($"{id}: observation space has {observationSpace.FlatSize} values, the morphology {morphology.ObservationSize}.");
        Id = id;
        Morphology = morphology;
        _lidarMode = lidarMode;
        _motor = new float[2 * morphology.ActionSize];
        _out = new float[Box2DNative.OutputHeader + 8 * morphology.Pairs + 2 * morphology.Pairs + Box2DNative.LidarRays];
        _zeroAction = new float[morphology.ActionSize];
        _handle = WalkerHandle.Create();
        if (Box2DNative.bw_output_size(morphology.Pairs) != _out.Length)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"{Box2DNative.FileName} reports a different output layout; rebuild the project.");
        }
        // Unseeded envs draw from fresh entropy (as gymnasium does); Reset(seed) makes episodes reproducible.
        _rng = new Rng((ulong)System.Random.Shared.NextInt64());
        Spec = BuildSpec(id, morphology, observationSpace, maxEpisodeSteps, notes);
    }

    /// <summary>A walker's spec without building its world (what the registry describes).</summary>
    internal static EnvSpec BuildSpec(string id, WalkerMorphology morphology, Box observationSpace, int maxEpisodeSteps, string notes) =>
        new(id, observationSpace, Box.Uniform(morphology.ActionSize, -1f, 1f),
            1.0 / WalkerConstants.Fps, 1, maxEpisodeSteps, RewardTermNames) { Notes = notes };

    public EnvSpec Spec { get; }

    public string Id { get; }

    public WalkerMorphology Morphology { get; }

    /// <summary>The current episode's terrain (read-only description, rebuilt by each Reset).</summary>
    public WalkerTerrain Terrain { get; } = new();

    /// <summary>Hull position after the last step (metres); for tests and tools.</summary>
    public (double X, double Y) HullPosition => (_out[4], _out[5]);

    /// <summary>True once the hull has touched the ground in this episode.</summary>
    public bool GameOver => _out[6] != 0;

    /// <summary>Writes the episode's terrain into <paramref name="terrain"/> (already cleared).</summary>
    private protected abstract void GenerateTerrain(Rng rng, WalkerTerrain terrain);

    /// <summary>Called at the start of Reset, before the terrain is generated (applies a pending task).</summary>
    private protected virtual void BeforeReset() { }

    public void Reset(ObsRow row, ulong? seed = null)
    {
        Span<float> observation = row.Float();
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireLength(observation.Length, Spec.ObservationSpace.FlatSize, "observation");
        if (seed is { } s) _rng.Seed(s);
        BeforeReset();

        Terrain.Clear();
        GenerateTerrain(_rng, Terrain);
        double forceX = _rng.Uniform(-WalkerConstants.InitialRandom, WalkerConstants.InitialRandom);
        BuildWorld(forceX);

        _needsReset = false;
        Simulate(_zeroAction);
        WriteObservation(observation);
        _prevShaping = Shaping();
        _stepsSinceReset = 0;
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_needsReset)
            throw new InvalidOperationException($"{Id}: Step called before Reset (or after the simulation diverged).");
        ValidateAction(action);
        RequireLength(observation.Length, Spec.ObservationSpace.FlatSize, "observation");
        RequireLength(rewardTerms.Length, RewardTermNames.Count, "reward terms");

        Simulate(action);
        WriteObservation(observation);
        _stepsSinceReset++;

        double shaping = Shaping();
        double progress = shaping - _prevShaping;
        _prevShaping = shaping;
        double torqueCost = 0;
        double k = Morphology.TorquePenalty * Morphology.MotorsTorque;
        for (int i = 0; i < action.Length; i++) torqueCost += k * Math.Clamp(Math.Abs(action[i]), 0f, 1f);

        double x = _out[4];
        double terminal = 0;
        bool terminated = false;
        if (GameOver || x < 0)
        {
            // The references replace the whole reward by -100; the terms follow so that they still sum to it.
            progress = 0;
            torqueCost = 0;
            terminal = FallReward;
            terminated = true;
        }
        if (x > WalkerConstants.FinishX) terminated = true;

        rewardTerms[0] = (float)progress;
        rewardTerms[1] = (float)-torqueCost;
        rewardTerms[2] = (float)terminal;
        return new StepOutcome((float)(progress - torqueCost + terminal), terminated, false);
    }

    /// <summary>130 * x / SCALE - 5 * |hull angle| (reaching the far end is worth about 300).</summary>
    private double Shaping() => 130 * (double)_out[4] / WalkerConstants.Scale - 5.0 * Math.Abs((double)_out[0]);

    private void Simulate(ReadOnlySpan<float> action)
    {
        for (int i = 0; i < action.Length; i++)
        {
            double speed = i % 2 == 0 ? WalkerConstants.SpeedHip : WalkerConstants.SpeedKnee;
            _motor[2 * i] = (float)(speed * Math.Sign(action[i]));
            _motor[2 * i + 1] = (float)(Morphology.MotorsTorque * Math.Clamp(Math.Abs(action[i]), 0f, 1f));
        }
        int rc;
        fixed (float* m = _motor)
        fixed (float* o = _out)
        {
            rc = Box2DNative.bw_step(_handle, m, o);
        }
        if (rc != 0)
        {
            _needsReset = true;
            throw new SimulatorException($"{Id}: the Box2D shim has no world to step (bw_step returned {rc}).");
        }
        for (int i = 0; i < Box2DNative.OutputHeader; i++)
        {
            if (!float.IsFinite(_out[i]))
            {
                _needsReset = true;
                throw new SimulatorException($"{Id}: the simulation diverged (non-finite hull state); reset the env.");
            }
        }
    }

    private void WriteObservation(Span<float> obs)
    {
        const double fps = WalkerConstants.Fps;
        obs[0] = _out[0];
        obs[1] = (float)(2.0 * _out[1] / fps);
        obs[2] = (float)(0.3 * _out[2] * (WalkerConstants.ViewportW / WalkerConstants.Scale) / fps);
        obs[3] = (float)(0.3 * _out[3] * (WalkerConstants.ViewportH / WalkerConstants.Scale) / fps);
        int legs = 2 * Morphology.Pairs;
        int contacts = Box2DNative.OutputHeader + 4 * legs;
        for (int leg = 0; leg < legs; leg++)
        {
            int hip = Box2DNative.OutputHeader + 4 * leg; // (angle, speed) of the hip, then of the knee
            int o = 4 + 5 * leg;
            obs[o] = _out[hip];
            obs[o + 1] = (float)(_out[hip + 1] / WalkerConstants.SpeedHip);
            obs[o + 2] = (float)(_out[hip + 2] + 1.0);
            obs[o + 3] = (float)(_out[hip + 3] / WalkerConstants.SpeedKnee);
            obs[o + 4] = _out[contacts + leg];
        }
        int lidarOut = contacts + legs;
        int lidarObs = 4 + 5 * legs;
        for (int i = 0; i < Box2DNative.LidarRays; i++) obs[lidarObs + i] = _out[lidarOut + i];
    }

    private void BuildWorld(double forceX)
    {
        var m = Morphology;
        double initX = WalkerConstants.TerrainStep * WalkerConstants.TerrainStartpad / 2;
        double initY = WalkerConstants.TerrainHeight + 2 * m.LegHeight;
        WalkerDef def = default;
        def.LidarRange = WalkerConstants.LidarRange;
        def.Pairs = m.Pairs;
        // Both references' contact listeners watch legs[1] and legs[3] only: the first pair's lower legs.
        def.MonitoredPairs = 1;
        def.LidarMode = (int)_lidarMode;
        def.HullCount = m.HullPolygonPixels.Count / 2;
        for (int i = 0; i < m.HullPolygonPixels.Count; i++) def.HullVertices[i] = (float)(m.HullPolygonPixels[i] / WalkerConstants.Scale);
        def.LegW = (float)m.LegWidth;
        def.LegH = (float)m.LegHeight;
        def.LegDown = (float)WalkerConstants.LegDown;
        def.LowerHalfW = (float)(0.8 * m.LegWidth / 2);
        def.UpperY = (float)(initY - m.LegHeight / 2 - WalkerConstants.LegDown);
        def.LowerY = (float)(initY - m.LegHeight * 3 / 2 - WalkerConstants.LegDown);
        def.InitX = (float)initX;
        def.InitY = (float)initY;
        for (int p = 0; p < m.Pairs; p++)
        {
            def.AnchorX[p] = (float)m.PairAnchors[p];
            def.BodyX[p] = (float)m.LegBodyX(p, initX);
        }
        def.MotorsTorque = (float)m.MotorsTorque;
        def.InitialForceX = (float)forceX;
        def.TimeStep = (float)(1.0 / WalkerConstants.Fps);
        def.VelocityIterations = WalkerConstants.VelocityIterations;
        def.PositionIterations = WalkerConstants.PositionIterations;

        ReadOnlySpan<double> edges = Terrain.Edges(out int edgeCount);
        ReadOnlySpan<double> polygonXy = Terrain.PolygonVertices();
        ReadOnlySpan<int> counts = Terrain.PolygonCounts();
        int rc;
        fixed (double* e = edges)
        fixed (double* p = polygonXy)
        fixed (int* c = counts)
        {
            rc = Box2DNative.bw_reset(_handle, e, edgeCount, p, c, counts.Length, &def);
        }
        if (rc < 0)
        {
            _needsReset = true;
            throw new SimulatorException($"{Id}: the Box2D shim failed to build the world (bw_reset returned {rc}).");
        }
        Terrain.SkippedPolygons = rc;
    }

    private void ValidateAction(ReadOnlySpan<float> action)
    {
        if (action.Length != Morphology.ActionSize)
            throw new InvalidActionException($"{Id}: action has {action.Length} values, expected {Morphology.ActionSize}.");
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
            {
                throw new InvalidActionException(
                    $"{Id}: action value {i} is {action[i].ToString(CultureInfo.InvariantCulture)}; actions must be finite.");
            }
        }
    }

    private void RequireLength(int actual, int expected, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"{Id}: {what} buffer has length {actual}, expected {expected}.");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _handle.Dispose();
        DisposeRender();
        GC.SuppressFinalize(this);
    }
}
