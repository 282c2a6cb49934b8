using ControlRL.Core.Random;
using ControlRL.Envs.Box2D.Native;

namespace ControlRL.Envs.Box2D.CarRacing;

/// <summary>
/// The simulation core of Gymnasium's CarRacing-v3 (Gymnasium gymnasium/envs/box2d/car_racing.py and
/// car_dynamics.py) on Box2D 2.4.1: seeded track generation, the car's wheel model and world step in the native
/// shim (one P/Invoke per step), tile visits and the reward, and the 96x96 RGB observation drawn with OpenCV.
/// Step does not draw: call <see cref="RenderObservation"/> for the frames an agent sees (so an action-repeat
/// wrapper can skip the others). Not thread-safe; one instance per env.
/// </summary>
public sealed unsafe partial class CarRacingSim : IDisposable
{
    /// <summary>Bytes of one observation (96 x 96 x 3, HWC RGB).</summary>
    public const int ObservationBytes = CarRacingConstants.StateW * CarRacingConstants.StateH * 3;

    /// <summary>Reward per frame (Gymnasium: -0.1).</summary>
    public const double TimePenalty = -0.1;

    /// <summary>Reward of the step that leaves the playfield (it replaces the step's other terms).</summary>
    public const double OffPlayfieldReward = -100;

    private const double Dt = 1.0 / CarRacingConstants.Fps;

    private readonly CarHandle _handle;
    private readonly Rng _rng;
    private readonly CarRacingTrack _track = new();
    private readonly SkidMarks _skids = new();
    private CarState _state;
    private double _reward;      // Gymnasium's self.reward: tile rewards and time penalties, accumulated
    private double _prevReward;
    private double _displayReward; // self.reward when the reference renders (before this step's -0.1)
    private double _t;           // seconds since reset, including the reset step (drives the zoom animation)
    private int _pendingTiles;   // tiles visited since the last Step returned (the reset step's count here)
    private bool _hasEpisode;
    private bool _disposed;

    // Colours as doubles, as the reference keeps them (they are truncated when drawn).
    private readonly double[] _roadColor = [102, 102, 102];
    private readonly double[] _bgColor = [102, 204, 102];
    private readonly double[] _grassColor = [102, 230, 102];

    /// <param name="continuous">3 continuous actions (steer, gas, brake) if true, else 5 discrete ones.</param>
    /// <param name="lapCompletePercent">Fraction of tiles visited before touching tile 0 that completes a lap.</param>
    /// <param name="domainRandomize">Random background, grass and road colours at every reset.</param>
    /// <param name="seed">Generator seed for resets without a seed (random if null).</param>
    public CarRacingSim(bool continuous = true, double lapCompletePercent = 0.95, bool domainRandomize = false, ulong? seed = null)
    {
        if (!double.IsFinite(lapCompletePercent))
            throw new ArgumentOutOfRangeException(nameof(lapCompletePercent), lapCompletePercent, "lapCompletePercent must be finite.");
        Continuous = continuous;
        LapCompletePercent = lapCompletePercent;
        DomainRandomize = domainRandomize;
        _rng = new Rng(seed ?? (ulong)System.Random.Shared.NextInt64());
        _handle = CarHandle.Create();
        if (domainRandomize) RandomizeColors();
    }

    public bool Continuous { get; }
    public double LapCompletePercent { get; }
    public bool DomainRandomize { get; }

    /// <summary>Action length: 3 (continuous) or 1 (the discrete index as a float).</summary>
    public int ActionSize => Continuous ? 3 : 1;

    /// <summary>Centre points of the current track, one per tile.</summary>
    public ReadOnlySpan<TrackPoint> Track => _track.Points;

    /// <summary>The current track with its tile and kerb polygons.</summary>
    public CarRacingTrack TrackData => _track;

    public int TileCount => _track.Count;
    public int TilesVisited => _state.TilesVisited;

    /// <summary>Steps since the last reset (the reset's own step excluded).</summary>
    public int StepCount { get; private set; }

    /// <summary>Seconds of simulated time since reset, including the reset step (as the reference's self.t).</summary>
    public double Time => _t;

    public float CarX => _state.Hull.X;
    public float CarY => _state.Hull.Y;
    public float CarAngle => _state.Hull.Angle;
    public float CarVelocityX => _state.Hull.Vx;
    public float CarVelocityY => _state.Hull.Vy;
    public float CarAngularVelocity => _state.Hull.Omega;

    /// <summary>|hull velocity| (the indicator bar's "true speed").</summary>
    public double CarSpeed => Math.Sqrt((double)_state.Hull.Vx * _state.Hull.Vx + (double)_state.Hull.Vy * _state.Hull.Vy);

    /// <summary>Angle of the front-left steering joint (radians; the indicator bar's steering).</summary>
    public float SteeringAngle => _state.JointAngle[0];

    /// <summary>Wheel spin (rad/s) of wheel i: 0 front left, 1 front right, 2 rear left, 3 rear right.</summary>
    public double WheelOmega(int i) => _state.WheelOmega[CheckWheel(i)];

    /// <summary>Road tiles wheel i touches (0: on grass, friction 0.6 instead of 1.0).</summary>
    public int WheelTiles(int i) => _state.WheelTiles[CheckWheel(i)];

    /// <summary>True once every tile is visited or tile 0 was first touched with more than the lap fraction visited.</summary>
    public bool LapComplete => _hasEpisode && (_state.TilesVisited == _track.Count || _state.NewLap != 0);

    /// <summary>Whether tile i has been visited this episode.</summary>
    public bool IsTileVisited(int i) => (TileFlags[i] & CarRacingNative.TileVisited) != 0;

    /// <summary>Tile-visit reward of the last step (1000/N per tile first visited since the previous step).</summary>
    public float LastTileReward { get; private set; }

    /// <summary>Time penalty of the last step (-0.1, or 0 on the step that left the playfield).</summary>
    public float LastTimePenalty { get; private set; }

    /// <summary>-100 on the step that left the playfield (which then carries no other term), else 0.</summary>
    public float LastOffPlayfieldPenalty { get; private set; }

    /// <summary>Whether the hull is outside the square playfield (|x| or |y| above 2000/6).</summary>
    public bool OffPlayfield => Math.Abs((double)_state.Hull.X) > CarRacingConstants.Playfield || Math.Abs((double)_state.Hull.Y) > CarRacingConstants.Playfield;

    /// <summary>Skid traces kept for video frames (at most 30).</summary>
    internal int SkidTraceCount => _skids.Count;

    private ReadOnlySpan<byte> TileFlags
    {
        get
        {
            EnsureEpisode();
            byte* p = CarRacingNative.cr_tile_flags(_handle);
            return p == null ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(p, _track.Count);
        }
    }

    private static int CheckWheel(int i) => (uint)i < 4 ? i : throw new ArgumentOutOfRangeException(nameof(i), i, "Wheels are 0..3.");

    /// <summary>Seeds the generator and starts an episode on a new track.</summary>
    public void Reset(ulong seed) => Reset(seed, randomizeColors: true);

    /// <summary>Starts an episode on a new track, continuing the generator.</summary>
    public void Reset() => Reset(null, randomizeColors: true);

    /// <summary>
    /// Starts an episode. With <see cref="DomainRandomize"/>, <paramref name="randomizeColors"/> false keeps the
    /// current colours (Gymnasium's options["randomize"]). As in the reference, reset runs one step without
    /// action; the tiles it visits are paid in the first Step's reward.
    /// </summary>
    public void Reset(ulong? seed, bool randomizeColors)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (seed is { } s) _rng.Seed(s);
        if (DomainRandomize && randomizeColors) RandomizeColors();
        _track.Generate(_rng);
        TrackPoint start = _track.Points[0];
        int rc;
        fixed (double* tiles = _track.TileVertices)
        {
            rc = CarRacingNative.cr_reset(_handle, tiles, _track.Count, start.Beta, start.X, start.Y, LapCompletePercent);
        }
        if (rc != 0) throw new InvalidOperationException($"cr_reset failed ({rc}): the track has a degenerate tile.");
        _hasEpisode = true;
        _reward = 0;
        _prevReward = 0;
        _t = 0;
        StepCount = 0;
        _pendingTiles = 0;
        LastTileReward = 0;
        LastTimePenalty = 0;
        LastOffPlayfieldPenalty = 0;
        PrepareRender();
        _skids.Clear();
        Advance(hasAction: false, 0, 0, 0);
    }

    /// <summary>
    /// One step of 1/50 s. Continuous: [steer -1..1 (right positive), gas 0..1, brake 0..1]; values outside the
    /// ranges act as in Gymnasium (gas is clipped, brake at 0.9 or more locks the wheels, steer is a target).
    /// Discrete: one float holding 0 nothing, 1 right, 2 left, 3 gas, 4 brake. Returns the reward and whether
    /// the episode ended (lap complete, or -100 for leaving the playfield). The step limit is not applied here.
    /// </summary>
    public (float Reward, bool Terminated) Step(ReadOnlySpan<float> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureEpisode();
        double steer, gas, brake;
        if (Continuous)
        {
            if (action.Length != 3)
                throw new ArgumentException($"CarRacing (continuous) expects 3 action values [steer, gas, brake], got {action.Length}.", nameof(action));
            for (int i = 0; i < 3; i++)
            {
                if (!float.IsFinite(action[i]))
                    throw new ArgumentException($"CarRacing action[{i}] is {action[i]}; actions must be finite.", nameof(action));
            }
            steer = -(double)action[0]; // Car.steer(-action[0])
            gas = action[1];
            brake = action[2];
        }
        else
        {
            if (action.Length != 1)
                throw new ArgumentException($"CarRacing (discrete) expects 1 action value (the index 0..4 as a float), got {action.Length}.", nameof(action));
            float a = action[0];
            if (!float.IsFinite(a) || a != MathF.Floor(a) || a < 0 || a > 4)
                throw new ArgumentException($"CarRacing (discrete) action {a} is invalid: expected an integer index 0..4 (nothing, right, left, gas, brake).", nameof(action));
            int k = (int)a;
            steer = -0.6 * (k == 1 ? 1 : 0) + 0.6 * (k == 2 ? 1 : 0);
            gas = 0.2 * (k == 3 ? 1 : 0);
            brake = 0.8 * (k == 4 ? 1 : 0);
        }

        Advance(hasAction: true, steer, gas, brake);
        StepCount++;

        _reward += TimePenalty;
        double stepReward = _reward - _prevReward;
        _prevReward = _reward;
        LastTileReward = (float)(_pendingTiles * (1000.0 / _track.Count));
        LastTimePenalty = (float)TimePenalty;
        LastOffPlayfieldPenalty = 0;
        _pendingTiles = 0;
        bool terminated = _state.TilesVisited == _track.Count || _state.NewLap != 0;
        if (OffPlayfield)
        {
            terminated = true;
            stepReward = OffPlayfieldReward;
            LastTileReward = 0;
            LastTimePenalty = 0;
            LastOffPlayfieldPenalty = (float)OffPlayfieldReward;
        }
        return ((float)stepReward, terminated);
    }

    private void Advance(bool hasAction, double steer, double gas, double brake)
    {
        CarState s;
        int rc = CarRacingNative.cr_step(_handle, hasAction ? 1 : 0, steer, gas, brake, &s);
        if (rc != 0) throw new InvalidOperationException($"cr_step failed ({rc}).");
        // Skid traces use each wheel's position and tiles as Car.step saw them: the previous state. The reset
        // step starts at rest (no force, so no trace) and has no previous state of this car.
        if (hasAction)
        {
            for (int w = 0; w < 4; w++)
            {
                CarBodyState prev = _state.Wheel(w);
                _skids.Update(w, s.WheelSkid[w] != 0, _state.WheelTiles[w] == 0, prev.X, prev.Y);
            }
        }
        _state = s;
        // The listener adds 1000/N per tile during the world step, before the frame's time penalty.
        double perTile = 1000.0 / _track.Count;
        for (int i = 0; i < s.NewTiles; i++) _reward += perTile;
        _pendingTiles += s.NewTiles;
        _displayReward = _reward;
        _t += Dt;
    }

    private void EnsureEpisode()
    {
        if (!_hasEpisode) throw new InvalidOperationException("CarRacingSim: call Reset before Step or rendering.");
    }

    // Gymnasium's domain randomisation: road and background uniform in [0, 210) per channel, grass = background
    // with 20 added to one random channel.
    private void RandomizeColors()
    {
        for (int c = 0; c < 3; c++) _roadColor[c] = _rng.Uniform(0, 210);
        for (int c = 0; c < 3; c++) _bgColor[c] = _rng.Uniform(0, 210);
        Array.Copy(_bgColor, _grassColor, 3);
        _grassColor[_rng.NextInt(3)] += 20;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _handle.Dispose();
        DisposeRender();
    }
}
