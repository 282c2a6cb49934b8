using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using static ControlRL.Envs.Driving.Tests.RoadsFixtures;

namespace ControlRL.Envs.Driving.Tests;

public class RoadsRouteTests
{
    /// <summary>Path checks every route must pass: ends at its start and goal, no kinks, and always on a route lane.</summary>
    private static void AssertSoundPath(RoadNetwork town, PlannedRoute route)
    {
        var path = route.Path;
        var (start, _) = town.Pose(route.Start);
        var (goal, _) = town.Pose(route.Goal);
        Assert.True(path.Start.DistanceTo(start) < 1e-9);
        Assert.True(path.End.DistanceTo(goal) < 1e-9);
        var pts = path.Points;
        for (int i = 1; i + 1 < pts.Length; i++)
        {
            double kink = Math.Abs(Angles.Wrap((pts[i + 1] - pts[i]).Heading - (pts[i] - pts[i - 1]).Heading));
            Assert.True(kink < 20 * Math.PI / 180, $"path turns {kink * 180 / Math.PI:0.#} degrees at {pts[i]}");
        }
        foreach (var p in path.Resample(2))
            Assert.Contains(route.Lanes, l => town.Lanes[l].Centre.Project(p).Distance <= town.Lanes[l].Width / 2 + 1e-6);
        // Lane centre pieces add up to the path length, less what blending lane changes cuts off.
        Assert.True(path.Length > 0);
    }

    [Fact]
    public void RouteAlongOneLaneIsTheCentreLineBetweenStartAndGoal()
    {
        var town = SmallTown;
        var lane = town.Lanes.First(l => !l.InJunction && l.Length > 60);
        var route = new RoutePlanner(town).Plan(new LanePoint(lane.Id, 10), new LanePoint(lane.Id, 50));
        Assert.Equal([lane.Id], route.Lanes);
        Assert.Equal(40, route.Length, 6);
        Assert.Equal(0, route.Junctions);
        AssertSoundPath(town, route);
    }

    [Fact]
    public void GoalBehindTheStartOnTheSameLaneLoopsAroundABlock()
    {
        var town = SmallTown;
        var lane = town.Lanes.First(l => !l.InJunction && l.Length > 60);
        var route = new RoutePlanner(town).Plan(new LanePoint(lane.Id, 50), new LanePoint(lane.Id, 10));
        Assert.Equal(lane.Id, route.Lanes[0]);
        Assert.Equal(lane.Id, route.Lanes[^1]);
        Assert.True(route.Junctions >= 2);
        Assert.True(route.Length > 200);
        AssertSoundPath(town, route);
    }

    [Fact]
    public void PlannerChangesLanesWhenTheTurnNeedsAnotherLane()
    {
        var town = SmallTown;
        // From the rightmost lane of a two-lane road to the road beyond a left-turn connector from its leftmost lane.
        var left = town.Lanes.First(l => l.InJunction && l.Turn == Turn.Left && town.Lanes[l.Predecessors[0]].RightNeighbour >= 0
            && town.Lanes[l.Predecessors[0]].Length > 80);
        var leftmost = town.Lanes[left.Predecessors[0]];
        var start = new LanePoint(leftmost.RightNeighbour, 2);
        var goal = new LanePoint(left.Successors[0], 20);
        var route = new RoutePlanner(town).Plan(start, goal);
        Assert.Equal([leftmost.RightNeighbour, leftmost.Id, left.Id, left.Successors[0]], route.Lanes);
        Assert.Equal(1, route.LaneChanges);
        Assert.Equal(1, route.Turns);
        AssertSoundPath(town, route);
        // The path length is the lanes' pieces within a few centimetres (blending over 15 m shortens little).
        double pieces = leftmost.Length - 2 + left.Length + 20;
        Assert.InRange(route.Length, pieces - 1, pieces + 0.5);
        // The change happens early: 5 m after the start, over 15 m, then the path runs on the leftmost lane's centre.
        var atEnd = route.Path.PointAt(25);
        Assert.True(leftmost.Centre.Project(atEnd).Distance < 0.05);
        Assert.True(town.Lanes[start.Lane].Centre.Project(route.Path.PointAt(4)).Distance < 0.01);
    }

    [Fact]
    public void NoLaneChangeTooCloseToTheLaneEnd()
    {
        var town = SmallTown;
        var planner = new RoutePlanner(town);
        var lane = town.Lanes.First(l => l.LeftNeighbour >= 0);
        Assert.True(planner.TryLaneChange(lane.Id, 0, lane.LeftNeighbour, out double c0, out double landing));
        Assert.Equal(5, c0, 9);
        Assert.InRange(landing, 10, 30);
        Assert.False(planner.TryLaneChange(lane.Id, lane.Length - 30, lane.LeftNeighbour, out _, out _));
    }

    [Fact]
    public void FollowRejectsLanesThatDoNotConnect()
    {
        var town = SmallTown;
        var planner = new RoutePlanner(town);
        var a = town.Lanes.First(l => !l.InJunction);
        int unrelated = town.Lanes.First(l => !l.InJunction && l.Id != a.Id && !a.Successors.Contains(l.Id) && l.Id != a.LeftNeighbour && l.Id != a.RightNeighbour).Id;
        var e = Assert.Throws<FormatException>(() => planner.Follow([a.Id, unrelated], new LanePoint(a.Id, 1), new LanePoint(unrelated, 5)));
        Assert.Contains("lanes[1]", e.Message);
        Assert.Contains($"neither continues lane {a.Id}", e.Message);
        e = Assert.Throws<FormatException>(() => planner.Follow([a.Id], new LanePoint(a.Id, 20), new LanePoint(a.Id, 10)));
        Assert.Contains("goal.s", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => planner.Plan(new LanePoint(a.Id, -1), new LanePoint(a.Id, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => planner.Plan(new LanePoint(town.Lanes.Count, 0), new LanePoint(a.Id, 5)));
    }

    [Fact]
    public void PlannedRouteIsNoLongerThanASampledOneBetweenTheSamePoints()
    {
        var town = SmallTown;
        var sampler = new RouteSampler(town, new RouteSamplerOptions { MinLength = 400, MaxLength = 900 });
        var walk = sampler.Sample(11);
        var shortest = sampler.Planner.Plan(walk.Start, walk.Goal);
        Assert.True(shortest.Length <= walk.Length + 1e-6);
        AssertSoundPath(town, shortest);
    }

    [Fact]
    public void SampledRoutesStayInTheLengthRangeAndCrossJunctions()
    {
        var town = SmallTown;
        var sampler = new RouteSampler(town, new RouteSamplerOptions { MinLength = 300, MaxLength = 1200 });
        var lengths = new List<double>();
        for (ulong seed = 0; seed < 6; seed++)
        {
            var route = sampler.Sample(seed);
            Assert.InRange(route.Length, 300, 1200);
            Assert.True(route.Junctions >= 1);
            AssertSoundPath(town, route);
            // Never the same road twice.
            var roads = route.Lanes.Select(l => town.Lanes[l].RoadId).Where(r => r >= 0).ToList();
            var visits = roads.Where((r, i) => i == 0 || roads[i - 1] != r).ToList();
            Assert.Equal(visits.Count, visits.Distinct().Count());
            lengths.Add(route.Length);
        }
        Assert.True(lengths.Max() - lengths.Min() > 100);
        Assert.Contains(Enumerable.Range(0, 6), s => sampler.Sample((ulong)s).Turns > 0);
    }

    [Fact]
    public void SamplingIsDeterministicPerSeed()
    {
        var sampler = new RouteSampler(SmallTown, new RouteSamplerOptions { MinLength = 300, MaxLength = 800 });
        var a = sampler.Sample(5);
        var b = sampler.Sample(5);
        Assert.Equal(a.Lanes, b.Lanes);
        Assert.Equal(a.Start, b.Start);
        Assert.Equal(a.Goal, b.Goal);
        Assert.NotEqual(a.Lanes, sampler.Sample(6).Lanes);
    }

    [Fact]
    public void ImpossibleLengthRangeFailsClearly()
    {
        var sampler = new RouteSampler(SmallTown, new RouteSamplerOptions { MinLength = 50_000, MaxLength = 60_000, MaxAttempts = 20 });
        var e = Assert.Throws<InvalidOperationException>(() => sampler.Sample(1));
        Assert.Contains("50000-60000 m", e.Message);
    }

    [Fact]
    public void RouteFromAPlanCarriesItsLanesAndPath()
    {
        var sampler = new RouteSampler(SmallTown, new RouteSamplerOptions { MinLength = 300, MaxLength = 600 });
        var planned = sampler.Sample(3);
        var route = planned.ToRoute("route_00");
        Assert.Equal("route_00", route.Id);
        Assert.Equal(planned.Lanes, route.Lanes);
        Assert.Same(planned.Path, route.Path);
        Assert.True(route.LaneSet.SetEquals(planned.Lanes));
    }
}
