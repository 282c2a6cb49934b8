using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>
/// A route through a town: the lanes driven in order (consecutive lanes are successors or lane-change neighbours)
/// and the path along them (the lane centre lines, with lane changes blended over a few metres). Route completion,
/// route deviation and "outside route lanes" are measured against it.
/// </summary>
public sealed class Route
{
    public Route(string id, RoadNetwork town, IReadOnlyList<int> lanes, Polyline path)
    {
        ArgumentNullException.ThrowIfNull(town);
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(path);
        if (lanes.Count == 0) throw new FormatException($"route '{id}': no lanes.");
        for (int i = 0; i < lanes.Count; i++)
        {
            if ((uint)lanes[i] >= (uint)town.Lanes.Count)
                throw new FormatException($"route '{id}': lane {lanes[i]} (position {i}) does not exist in town '{town.Name}' (lanes 0..{town.Lanes.Count - 1}).");
            if (i > 0)
            {
                var prev = town.Lanes[lanes[i - 1]];
                int next = lanes[i];
                if (!prev.Successors.Contains(next) && prev.LeftNeighbour != next && prev.RightNeighbour != next)
                    throw new FormatException($"route '{id}': lane {next} (position {i}) neither continues lane {prev.Id} nor is its neighbour.");
            }
        }
        Id = id;
        Town = town;
        Lanes = lanes;
        Path = path;
        LaneSet = new HashSet<int>(lanes);
    }

    public string Id { get; }
    public RoadNetwork Town { get; }
    public IReadOnlyList<int> Lanes { get; }
    public Polyline Path { get; }
    public double Length => Path.Length;

    /// <summary>The route's lanes as a set (for "outside route lanes").</summary>
    public IReadOnlySet<int> LaneSet { get; }
}
