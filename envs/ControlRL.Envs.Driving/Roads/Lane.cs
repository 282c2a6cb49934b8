using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>How a lane boundary is painted (BEV lane-marking channel; a solid line must not be crossed).</summary>
public enum LaneMark
{
    /// <summary>No paint (inside junctions).</summary>
    None,

    /// <summary>Between lanes of the same direction: lane changes allowed.</summary>
    Dashed,

    /// <summary>Between opposite directions (the road's centre line).</summary>
    Solid,

    /// <summary>The road's outer edge, next to the shoulder.</summary>
    Edge,
}

/// <summary>What a junction connector does, seen from its incoming lane (yielding rules depend on it).</summary>
public enum Turn
{
    Straight,
    Left,
    Right,
}

/// <summary>
/// One lane: a centre line driven in its direction of definition, a constant width and a speed limit. Lanes form a
/// graph: <see cref="Successors"/> continue the lane (at a junction, one connector per possible manoeuvre);
/// <see cref="LeftNeighbour"/>/<see cref="RightNeighbour"/> are adjacent lanes of the same direction (a lane change);
/// <see cref="OppositeNeighbour"/> is the adjacent lane across the centre line. Ids index
/// <see cref="RoadNetwork.Lanes"/>; -1 means none.
/// </summary>
public sealed class Lane
{
    public Lane(int id, Polyline centre, double width, double speedLimit)
    {
        ArgumentNullException.ThrowIfNull(centre);
        if (!(width > 0) || !double.IsFinite(width)) throw new ArgumentOutOfRangeException(nameof(width), width, $"lane {id}: width must be a positive number of metres.");
        if (!(speedLimit > 0) || !double.IsFinite(speedLimit)) throw new ArgumentOutOfRangeException(nameof(speedLimit), speedLimit, $"lane {id}: speed limit must be a positive number of m/s.");
        Id = id;
        Centre = centre;
        Width = width;
        SpeedLimit = speedLimit;
    }

    public int Id { get; }
    public Polyline Centre { get; }
    public double Width { get; }

    /// <summary>Metres per second.</summary>
    public double SpeedLimit { get; }

    public double Length => Centre.Length;

    /// <summary>The road this lane belongs to (lanes of one road share it, both directions); -1 inside junctions.</summary>
    public int RoadId { get; init; } = -1;

    /// <summary>The junction this connector crosses, or -1 for lanes of a road.</summary>
    public int JunctionId { get; init; } = -1;

    public bool InJunction => JunctionId >= 0;

    /// <summary>For junction connectors: the manoeuvre.</summary>
    public Turn Turn { get; init; } = Turn.Straight;

    public int[] Successors { get; init; } = [];

    /// <summary>Filled by <see cref="RoadNetwork"/> from the successors.</summary>
    public int[] Predecessors { get; internal set; } = [];

    public int LeftNeighbour { get; init; } = -1;
    public int RightNeighbour { get; init; } = -1;
    public int OppositeNeighbour { get; init; } = -1;

    public LaneMark LeftMark { get; init; } = LaneMark.None;
    public LaneMark RightMark { get; init; } = LaneMark.None;

    /// <summary>The traffic light or stop sign at this lane's end (its stop line), or -1.</summary>
    public int SignalId { get; init; } = -1;
}
