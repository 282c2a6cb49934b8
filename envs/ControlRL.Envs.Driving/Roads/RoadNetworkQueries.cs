using System.Runtime.CompilerServices;
using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>
/// Lookups over a town that traffic and routes need, indexed once per network on first use (kept beside it, not in
/// it, so <see cref="RoadNetwork"/> stays as it is). All answers are arrays owned by the index: do not modify.
/// </summary>
public static class RoadNetworkQueries
{
    private sealed class Index
    {
        public Index(RoadNetwork town)
        {
            int roads = town.Lanes.Count == 0 ? 0 : town.Lanes.Max(l => l.RoadId) + 1;
            var byRoad = new List<int>[roads];
            for (int i = 0; i < roads; i++) byRoad[i] = [];
            foreach (var l in town.Lanes)
                if (l.RoadId >= 0) byRoad[l.RoadId].Add(l.Id);
            RoadLanes = [.. byRoad.Select(l => l.ToArray())];

            JunctionAhead = new int[town.Lanes.Count];
            Direction = new int[town.Lanes.Count][];
            foreach (var l in town.Lanes)
            {
                JunctionAhead[l.Id] = -1;
                foreach (int s in l.Successors)
                    if (town.Lanes[s].JunctionId >= 0 && town.Lanes[s].JunctionId != l.JunctionId)
                    {
                        JunctionAhead[l.Id] = town.Lanes[s].JunctionId;
                        break;
                    }
                int left = l.Id;
                var seen = new HashSet<int> { left };
                while (town.Lanes[left].LeftNeighbour >= 0 && seen.Add(town.Lanes[left].LeftNeighbour)) left = town.Lanes[left].LeftNeighbour;
                var row = new List<int> { left };
                for (int c = town.Lanes[left].RightNeighbour; c >= 0 && !row.Contains(c); c = town.Lanes[c].RightNeighbour) row.Add(c);
                Direction[l.Id] = [.. row];
            }
            Signals = [.. town.Junctions.Select(j => town.Signals.Where(s => s.JunctionId == j.Id).Select(s => s.Id).ToArray())];
            Crosswalks = [.. town.Junctions.Select(j => town.Crosswalks.Where(c => c.JunctionId == j.Id).Select(c => c.Id).ToArray())];
        }

        public int[][] RoadLanes { get; }
        public int[] JunctionAhead { get; }
        public int[][] Direction { get; }
        public int[][] Signals { get; }
        public int[][] Crosswalks { get; }
    }

    private static readonly ConditionalWeakTable<RoadNetwork, Index> Indexes = [];

    private static Index Of(RoadNetwork town) => Indexes.GetValue(town, t => new Index(t));

    /// <summary>Number of roads (road ids are 0..count-1).</summary>
    public static int RoadCount(this RoadNetwork town) => Of(town).RoadLanes.Length;

    /// <summary>The lanes of a road, both directions.</summary>
    public static ReadOnlySpan<int> RoadLanes(this RoadNetwork town, int roadId) => Of(town).RoadLanes[roadId];

    /// <summary>The junction a lane leads into at its end (its successors' junction), or -1.</summary>
    public static int JunctionAhead(this RoadNetwork town, int laneId) => Of(town).JunctionAhead[laneId];

    /// <summary>The lanes side by side with <paramref name="laneId"/> in its direction, leftmost first (the lane itself included).</summary>
    public static ReadOnlySpan<int> LanesAbreast(this RoadNetwork town, int laneId) => Of(town).Direction[laneId];

    /// <summary>The signals (lights or stop signs) of a junction.</summary>
    public static ReadOnlySpan<int> JunctionSignals(this RoadNetwork town, int junctionId) => Of(town).Signals[junctionId];

    /// <summary>The crosswalks at a junction's approaches.</summary>
    public static ReadOnlySpan<int> JunctionCrosswalks(this RoadNetwork town, int junctionId) => Of(town).Crosswalks[junctionId];

    /// <summary>Position and heading at a point on a lane.</summary>
    public static (Vec2 Position, double Heading) Pose(this RoadNetwork town, LanePoint point)
    {
        var c = town.Lanes[point.Lane].Centre;
        return (c.PointAt(point.S), c.HeadingAt(point.S));
    }
}
