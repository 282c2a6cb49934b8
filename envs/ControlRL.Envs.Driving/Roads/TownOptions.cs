using System.Text.Json.Serialization;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>How a traffic-light junction splits its cycle between approaches.</summary>
public enum LightPhasing
{
    /// <summary>
    /// One phase group per pair of opposite approaches (a T junction: the through pair, then the stem). Lefts are
    /// permissive: they share the green with oncoming traffic and must yield to it.
    /// </summary>
    [JsonStringEnumMemberName("approach_pairs")]
    ApproachPairs,

    /// <summary>One phase group per approach, as CARLA's default light cycles run: every movement is protected.</summary>
    [JsonStringEnumMemberName("each_approach")]
    EachApproach,
}

/// <summary>Road classes of a generated town: lanes per direction and speed limit follow the class.</summary>
public enum RoadClass
{
    /// <summary>One lane per direction, <see cref="TownOptions.LocalSpeedKmh"/>.</summary>
    Local,

    /// <summary>One lane per direction, <see cref="TownOptions.CollectorSpeedKmh"/>.</summary>
    Collector,

    /// <summary>Two lanes per direction, <see cref="TownOptions.ArterialSpeedKmh"/>.</summary>
    Arterial,

    /// <summary>The outer ring with <see cref="TownOptions.MultiLaneRing"/>: two lanes per direction, <see cref="TownOptions.RingSpeedKmh"/>.</summary>
    Ring,
}

/// <summary>
/// Knobs of <see cref="TownGenerator"/>. The defaults make a 5 x 5 grid of about 800 m side with one two-lane arterial.
/// Written into each town file (informational), so a town can be regenerated from its file.
/// </summary>
public sealed record TownOptions
{
    /// <summary>Grid nodes per row (west to east).</summary>
    public int Columns { get; init; } = 5;

    /// <summary>Grid nodes per column (south to north).</summary>
    public int Rows { get; init; } = 5;

    /// <summary>Distance between neighbouring grid nodes before jitter, metres.</summary>
    public double BlockLength { get; init; } = 200;

    /// <summary>Largest node displacement along each axis, as a fraction of <see cref="BlockLength"/>.</summary>
    public double Jitter { get; init; } = 0.08;

    /// <summary>Share of removable grid edges (interior, not on an arterial) that are removed so blocks vary.</summary>
    public double RemovedEdges { get; init; } = 0.15;

    /// <summary>Share of grid edges that bend sideways (a smooth bulge) instead of running straight.</summary>
    public double CurvedRoads { get; init; } = 0.25;

    /// <summary>Largest sideways bulge of a bent edge, as a fraction of its length.</summary>
    public double CurveBulge { get; init; } = 0.1;

    /// <summary>Interior grid lines (rows or columns) that are two-lane arterials.</summary>
    public int Arterials { get; init; } = 1;

    /// <summary>Share of the other interior grid lines that are collectors rather than local streets.</summary>
    public double CollectorShare { get; init; } = 0.3;

    /// <summary>When set, the grid's outer ring is a two-lane ring road; otherwise a one-lane collector.</summary>
    public bool MultiLaneRing { get; init; }

    /// <summary>Relative weight of traffic-light junctions.</summary>
    public double TrafficLights { get; init; } = 0.5;

    /// <summary>Relative weight of all-way-stop junctions.</summary>
    public double AllWayStops { get; init; } = 0.2;

    /// <summary>Relative weight of junctions with stop signs on the minor road only.</summary>
    public double MinorStops { get; init; } = 0.3;

    public LightPhasing Phasing { get; init; } = LightPhasing.ApproachPairs;

    /// <summary>Light plan: green, yellow and all-red seconds per phase group (offsets are drawn per junction).</summary>
    public double Green { get; init; } = 12;

    public double Yellow { get; init; } = 3;
    public double AllRed { get; init; } = 1;

    /// <summary>Share of junctions with a crosswalk on every approach.</summary>
    public double Crosswalks { get; init; } = 0.8;

    public double CrosswalkWidth { get; init; } = 3;
    public double LaneWidth { get; init; } = 3.5;
    public double ShoulderWidth { get; init; } = 1.5;

    /// <summary>Radius of the curve where a road turns at a node without a junction (the ring's corners get 1.6 times this).</summary>
    public double CornerRadius { get; init; } = 25;

    public double LocalSpeedKmh { get; init; } = 30;
    public double CollectorSpeedKmh { get; init; } = 50;
    public double ArterialSpeedKmh { get; init; } = 50;
    public double RingSpeedKmh { get; init; } = 70;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        Check(Columns is >= 3 and <= 12, nameof(Columns), Columns, "3..12");
        Check(Rows is >= 3 and <= 12, nameof(Rows), Rows, "3..12");
        Check(BlockLength is >= 120 and <= 400, nameof(BlockLength), BlockLength, "120..400 m");
        Check(Jitter is >= 0 and <= 0.15, nameof(Jitter), Jitter, "0..0.15");
        Check(RemovedEdges is >= 0 and <= 0.5, nameof(RemovedEdges), RemovedEdges, "0..0.5");
        Check(CurvedRoads is >= 0 and <= 1, nameof(CurvedRoads), CurvedRoads, "0..1");
        Check(CurveBulge is >= 0 and <= 0.15, nameof(CurveBulge), CurveBulge, "0..0.15");
        Check(Arterials >= 0 && Arterials <= Columns + Rows - 4, nameof(Arterials), Arterials, "0..(interior grid lines)");
        Check(CollectorShare is >= 0 and <= 1, nameof(CollectorShare), CollectorShare, "0..1");
        Check(TrafficLights >= 0 && AllWayStops >= 0 && MinorStops >= 0 && TrafficLights + AllWayStops + MinorStops > 0,
            "TrafficLights/AllWayStops/MinorStops", TrafficLights + AllWayStops + MinorStops, "non-negative weights with a positive sum");
        Check(Green > 0 && Yellow >= 0 && AllRed >= 0 && double.IsFinite(Green + Yellow + AllRed), "Green/Yellow/AllRed", Green, "green > 0, yellow and all-red >= 0 seconds");
        Check(Crosswalks is >= 0 and <= 1, nameof(Crosswalks), Crosswalks, "0..1");
        Check(CrosswalkWidth is >= 1 and <= 6, nameof(CrosswalkWidth), CrosswalkWidth, "1..6 m");
        Check(LaneWidth is >= 2.5 and <= 5, nameof(LaneWidth), LaneWidth, "2.5..5 m");
        Check(ShoulderWidth is >= 0 and <= 4, nameof(ShoulderWidth), ShoulderWidth, "0..4 m");
        Check(CornerRadius is >= 15 and <= 60, nameof(CornerRadius), CornerRadius, "15..60 m");
        foreach (var (name, v) in new[] { (nameof(LocalSpeedKmh), LocalSpeedKmh), (nameof(CollectorSpeedKmh), CollectorSpeedKmh), (nameof(ArterialSpeedKmh), ArterialSpeedKmh), (nameof(RingSpeedKmh), RingSpeedKmh) })
            Check(v is >= 10 and <= 130, name, v, "10..130 km/h");
    }

    private static void Check(bool ok, string name, double value, string range)
    {
        if (!ok) throw new ArgumentException($"town option {name} = {value} is out of range ({range}).");
    }

    internal int LanesPerDirection(RoadClass c) => c is RoadClass.Arterial or RoadClass.Ring ? 2 : 1;

    /// <summary>Speed limit of a road class, m/s rounded to 1 mm/s as files store it.</summary>
    internal double SpeedLimit(RoadClass c) => Math.Round(c switch
    {
        RoadClass.Local => LocalSpeedKmh,
        RoadClass.Collector => CollectorSpeedKmh,
        RoadClass.Arterial => ArterialSpeedKmh,
        _ => RingSpeedKmh,
    } / 3.6, 3);
}
