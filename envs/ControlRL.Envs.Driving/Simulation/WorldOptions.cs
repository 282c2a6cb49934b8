using System.Globalization;

namespace ControlRL.Envs.Driving.Simulation;

/// <summary>
/// The ego's body and its kinematic bicycle model. Dimensions follow CARLA's default leaderboard ego, the Lincoln
/// MKZ 2020: bounding-box half extents 2.446 x 0.918 m (as CaRL's team_code_roach/rl_config.py records them,
/// ego_extent_x/y) and the real car's 2.85 m wheelbase. CARLA lets the MKZ's front wheels turn up to 70 degrees, an
/// angle its tyre model never reaches at speed; a kinematic model needs a physical bound instead, so the wheel angle is
/// capped at 40 degrees (turning radius at the rear axle 3.4 m) and the path curvature by the tyres' grip
/// (<see cref="MaxLateralAccel"/>). Longitudinal: full throttle gives <see cref="MaxAccel"/> at rest, full brake
/// <see cref="MaxBrake"/>, and air drag <see cref="Drag"/> v^2 plus rolling resistance slow the car (top speed about
/// sqrt(MaxAccel / Drag) = 50 m/s). No reverse: speed stays at or above zero.
/// </summary>
public sealed record EgoParameters
{
    public static EgoParameters LincolnMkz2020 { get; } = new();

    /// <summary>Bounding-box length, m.</summary>
    public double Length { get; init; } = 4.892;

    /// <summary>Bounding-box width (without mirrors), m.</summary>
    public double Width { get; init; } = 1.837;

    /// <summary>Distance between the axles, m.</summary>
    public double Wheelbase { get; init; } = 2.85;

    /// <summary>From the rear bumper to the rear axle, m (the box centre lies Length/2 - RearOverhang ahead of the rear axle).</summary>
    public double RearOverhang { get; init; } = 1.05;

    /// <summary>Front-wheel angle at steer = +-1, radians.</summary>
    public double MaxSteerAngle { get; init; } = 40 * Math.PI / 180;

    /// <summary>How fast the wheels turn, rad/s (lock to lock in about 1.1 s).</summary>
    public double SteerRate { get; init; } = 1.2;

    /// <summary>Acceleration at full throttle from rest, m/s^2 (0-100 km/h in about 9 s with drag).</summary>
    public double MaxAccel { get; init; } = 3.5;

    /// <summary>Deceleration at full brake, m/s^2 (about 0.8 g).</summary>
    public double MaxBrake { get; init; } = 8.0;

    /// <summary>Air drag, 1/m: deceleration Drag * v^2.</summary>
    public double Drag { get; init; } = 0.0014;

    /// <summary>Rolling resistance while moving, m/s^2.</summary>
    public double RollingResistance { get; init; } = 0.15;

    /// <summary>Tyre grip: path curvature is capped at MaxLateralAccel / v^2, m/s^2.</summary>
    public double MaxLateralAccel { get; init; } = 8.0;

    /// <summary>Distance from the rear axle forward to the box centre, m.</summary>
    public double CentreOffset => Length / 2 - RearOverhang;

    internal void Validate()
    {
        Check(Length, nameof(Length));
        Check(Width, nameof(Width));
        Check(Wheelbase, nameof(Wheelbase));
        Check(MaxSteerAngle, nameof(MaxSteerAngle));
        Check(SteerRate, nameof(SteerRate));
        Check(MaxAccel, nameof(MaxAccel));
        Check(MaxBrake, nameof(MaxBrake));
        Check(MaxLateralAccel, nameof(MaxLateralAccel));
        if (!(Drag >= 0) || !double.IsFinite(Drag)) throw new ArgumentException($"ego parameter {nameof(Drag)} = {Drag} must be a non-negative number.");
        if (!(RollingResistance >= 0) || !double.IsFinite(RollingResistance)) throw new ArgumentException($"ego parameter {nameof(RollingResistance)} = {RollingResistance} must be a non-negative number.");
        if (!(RearOverhang >= 0) || RearOverhang >= Length) throw new ArgumentException($"ego parameter {nameof(RearOverhang)} = {RearOverhang} must lie in [0, Length).");
        if (MaxSteerAngle >= Math.PI / 2) throw new ArgumentException($"ego parameter {nameof(MaxSteerAngle)} = {MaxSteerAngle} rad must be below pi/2.");

        static void Check(double v, string name)
        {
            if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"ego parameter {name} = {v} must be a positive number.");
        }
    }
}

/// <summary>
/// What a <see cref="DrivingWorld"/> puts around the ego. The five condition keys (<see cref="ConditionKeys"/>) are
/// the ones route files name: <see cref="VehiclesPerKm"/>, <see cref="PedestriansPerKm"/>, <see cref="ParkedPerKm"/>,
/// <see cref="Obstacles"/>, <see cref="Jaywalkers"/>. <see cref="TrafficSeed"/> is mixed with the seed given to
/// <see cref="DrivingWorld.Reset"/>, so a route can pin its traffic while episodes still differ by their seed.
/// </summary>
public sealed record WorldOptions
{
    /// <summary>The condition keys, exactly as route files spell them.</summary>
    public static IReadOnlyList<string> ConditionKeys { get; } = [nameof(VehiclesPerKm), nameof(PedestriansPerKm), nameof(ParkedPerKm), nameof(Obstacles), nameof(Jaywalkers)];

    /// <summary>Moving vehicles per km of lane within <see cref="SpawnRadius"/> of the ego (kept up by spawning and despawning).</summary>
    public double VehiclesPerKm { get; init; }

    /// <summary>Pedestrians per km of road (half the sidewalk length: two sides per road) within <see cref="SpawnRadius"/> of the ego.</summary>
    public double PedestriansPerKm { get; init; }

    /// <summary>Parked cars per km of kerb (the outer side of rightmost lanes) within <see cref="ParkingCorridor"/> of the route.</summary>
    public double ParkedPerKm { get; init; }

    /// <summary>Lane-blocking obstacle scenarios (cones or a stopped accident) on multi-lane parts of the route.</summary>
    public int Obstacles { get; init; }

    /// <summary>Pedestrians that cross mid-block in front of the ego (CARLA's DynamicObjectCrossing).</summary>
    public int Jaywalkers { get; init; }

    /// <summary>Mixed with the reset seed (see the class summary).</summary>
    public ulong TrafficSeed { get; init; }

    public EgoParameters Ego { get; init; } = EgoParameters.LincolnMkz2020;

    /// <summary>Integration substeps per 0.1 s step.</summary>
    public int Substeps { get; init; } = 2;

    /// <summary>Ego speed at reset, m/s (0: at rest).</summary>
    public double StartSpeed { get; init; }

    /// <summary>Traffic and pedestrians are kept within this distance of the ego, m.</summary>
    public double SpawnRadius { get; init; } = 90;

    /// <summary>While running, actors appear no closer than this to the ego (out of its immediate view), m.</summary>
    public double SpawnMinDistance { get; init; } = 50;

    /// <summary>Actors farther than this from the ego are removed, m.</summary>
    public double DespawnRadius { get; init; } = 110;

    /// <summary>Parked cars are placed along kerbs within this distance of the route, m.</summary>
    public double ParkingCorridor { get; init; } = 60;

    /// <summary>Sidewalk width beyond the shoulder, m (pedestrians walk on it; beyond it lies the layout).</summary>
    public double SidewalkWidth { get; init; } = 2.0;

    /// <summary>Pool sizes (nothing is allocated while stepping).</summary>
    public int MaxVehicles { get; init; } = 64;

    public int MaxPedestrians { get; init; } = 64;
    public int MaxParked { get; init; } = 160;
    public int MaxStatic { get; init; } = 96;

    /// <summary>Options from route conditions (keys as in <see cref="ConditionKeys"/>; unknown keys are an error).</summary>
    public static WorldOptions FromConditions(IEnumerable<KeyValuePair<string, double>> conditions, ulong trafficSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var o = new WorldOptions { TrafficSeed = trafficSeed };
        foreach (var (key, value) in conditions)
        {
            if (!double.IsFinite(value) || value < 0)
                throw new ArgumentException($"condition {key} = {value.ToString(CultureInfo.InvariantCulture)} must be a non-negative number.");
            o = key switch
            {
                nameof(VehiclesPerKm) => o with { VehiclesPerKm = value },
                nameof(PedestriansPerKm) => o with { PedestriansPerKm = value },
                nameof(ParkedPerKm) => o with { ParkedPerKm = value },
                nameof(Obstacles) => o with { Obstacles = CountOf(key, value) },
                nameof(Jaywalkers) => o with { Jaywalkers = CountOf(key, value) },
                _ => throw new ArgumentException($"unknown condition '{key}'; known: {string.Join(", ", ConditionKeys)}."),
            };
        }
        return o;

        static int CountOf(string key, double v) => v == Math.Floor(v) && v <= 1000
            ? (int)v
            : throw new ArgumentException($"condition {key} = {v.ToString(CultureInfo.InvariantCulture)} must be a whole count.");
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Ego);
        Ego.Validate();
        NonNegative(VehiclesPerKm, nameof(VehiclesPerKm));
        NonNegative(PedestriansPerKm, nameof(PedestriansPerKm));
        NonNegative(ParkedPerKm, nameof(ParkedPerKm));
        NonNegative(StartSpeed, nameof(StartSpeed));
        NonNegative(SidewalkWidth, nameof(SidewalkWidth));
        if (Obstacles < 0) throw new ArgumentException($"world option {nameof(Obstacles)} = {Obstacles} must be >= 0.");
        if (Jaywalkers < 0) throw new ArgumentException($"world option {nameof(Jaywalkers)} = {Jaywalkers} must be >= 0.");
        if (Substeps is < 1 or > 100) throw new ArgumentException($"world option {nameof(Substeps)} = {Substeps} must be in 1..100.");
        if (!(SpawnRadius > 0) || !(DespawnRadius > SpawnRadius) || !(SpawnMinDistance >= 0) || SpawnMinDistance >= SpawnRadius)
            throw new ArgumentException($"world options need 0 <= SpawnMinDistance ({SpawnMinDistance}) < SpawnRadius ({SpawnRadius}) < DespawnRadius ({DespawnRadius}).");
        if (!(ParkingCorridor >= 0)) throw new ArgumentException($"world option {nameof(ParkingCorridor)} = {ParkingCorridor} must be >= 0.");
        if (MaxVehicles < 0 || MaxPedestrians < 0 || MaxParked < 0 || MaxStatic < 0) throw new ArgumentException("world option pool sizes must be >= 0.");

        static void NonNegative(double v, string name)
        {
            if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentException($"world option {name} = {v} must be a non-negative number.");
        }
    }
}
