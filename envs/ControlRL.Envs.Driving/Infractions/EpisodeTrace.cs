using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Envs.Driving.Infractions;

/// <summary>The first contact with one actor in an episode (nuPlan counts each track once), classified as the devkit does (<see cref="NuPlanCollisionType"/>).</summary>
public readonly record struct TraceCollision(int Step, int OtherId, ActorKind OtherKind, NuPlanCollisionType Type, bool AtFault);

/// <summary>
/// Per-step record of an episode for nuPlan-style metrics (REFERENCE section 9): the ego's pose, speed,
/// accelerations and yaw rate, the speed limit, drivable-area compliance (all four footprint corners on the drivable
/// area; largest distance outside), progress along the route, metres driven against the lane direction, the minimum
/// time to collision over a 3 s horizon (constant-velocity prediction; infinity when none) and the at-fault
/// collisions. Arrays grow by doubling, so a long episode allocates only a few times.
/// </summary>
public sealed class EpisodeTrace
{
    private double[] _x = [], _y = [], _heading = [], _speed = [], _lonAccel = [], _latAccel = [], _yawRate = [], _speedLimit = [];
    private double[] _maxOutside = [], _progress = [], _againstLane = [], _minTtc = [];
    private bool[] _onDrivable = [];
    private byte[] _atFault = [];
    private readonly List<TraceCollision> _collisions = new(64);

    public EpisodeTrace(int capacity = 2048) => Grow(capacity);

    public int Count { get; private set; }

    public ReadOnlySpan<double> X => _x.AsSpan(0, Count);
    public ReadOnlySpan<double> Y => _y.AsSpan(0, Count);
    public ReadOnlySpan<double> Heading => _heading.AsSpan(0, Count);
    public ReadOnlySpan<double> Speed => _speed.AsSpan(0, Count);
    public ReadOnlySpan<double> LongitudinalAccel => _lonAccel.AsSpan(0, Count);
    public ReadOnlySpan<double> LateralAccel => _latAccel.AsSpan(0, Count);
    public ReadOnlySpan<double> YawRate => _yawRate.AsSpan(0, Count);
    public ReadOnlySpan<double> SpeedLimit => _speedLimit.AsSpan(0, Count);

    /// <summary>True when every footprint corner is on a lane or junction.</summary>
    public ReadOnlySpan<bool> OnDrivable => _onDrivable.AsSpan(0, Count);

    /// <summary>Largest distance of a footprint corner outside the drivable area, m.</summary>
    public ReadOnlySpan<double> MaxOutside => _maxOutside.AsSpan(0, Count);

    /// <summary>Arc length of the ego along the route, m.</summary>
    public ReadOnlySpan<double> Progress => _progress.AsSpan(0, Count);

    /// <summary>Metres driven against the direction of the lane the ego is on during the step.</summary>
    public ReadOnlySpan<double> AgainstLane => _againstLane.AsSpan(0, Count);

    /// <summary>Minimum time to collision over 3 s, s (infinity: none).</summary>
    public ReadOnlySpan<double> MinTimeToCollision => _minTtc.AsSpan(0, Count);

    /// <summary>Per step: 0, or 1 + the <see cref="ActorKind"/> of an at-fault collision that started this step.</summary>
    public ReadOnlySpan<byte> AtFaultCollision => _atFault.AsSpan(0, Count);

    public IReadOnlyList<TraceCollision> Collisions => _collisions;

    internal void Clear()
    {
        Count = 0;
        _collisions.Clear();
    }

    internal void AddCollision(TraceCollision c)
    {
        _collisions.Add(c);
        if (c.AtFault && c.Step >= 0 && c.Step < Count && _atFault[c.Step] == 0) _atFault[c.Step] = (byte)(1 + (int)c.OtherKind);
    }

    internal void Append(double x, double y, double heading, double speed, double lonAccel, double latAccel, double yawRate, double speedLimit,
        bool onDrivable, double maxOutside, double progress, double againstLane, double minTtc)
    {
        if (Count == _x.Length) Grow(Math.Max(256, 2 * Count));
        int i = Count++;
        _x[i] = x;
        _y[i] = y;
        _heading[i] = heading;
        _speed[i] = speed;
        _lonAccel[i] = lonAccel;
        _latAccel[i] = latAccel;
        _yawRate[i] = yawRate;
        _speedLimit[i] = speedLimit;
        _onDrivable[i] = onDrivable;
        _maxOutside[i] = maxOutside;
        _progress[i] = progress;
        _againstLane[i] = againstLane;
        _minTtc[i] = minTtc;
        _atFault[i] = 0;
    }

    private void Grow(int n)
    {
        Array.Resize(ref _x, n);
        Array.Resize(ref _y, n);
        Array.Resize(ref _heading, n);
        Array.Resize(ref _speed, n);
        Array.Resize(ref _lonAccel, n);
        Array.Resize(ref _latAccel, n);
        Array.Resize(ref _yawRate, n);
        Array.Resize(ref _speedLimit, n);
        Array.Resize(ref _onDrivable, n);
        Array.Resize(ref _maxOutside, n);
        Array.Resize(ref _progress, n);
        Array.Resize(ref _againstLane, n);
        Array.Resize(ref _minTtc, n);
        Array.Resize(ref _atFault, n);
    }
}
