using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using static ControlRL.Envs.Driving.Tests.RoadsFixtures;

namespace ControlRL.Envs.Driving.Tests;

public class RoadsGeneratorTests
{
    [Fact]
    public void SameNameSeedAndOptionsGiveTheSameFile()
    {
        var again = TownGenerator.Generate("Small", 7, SmallOptions with { });
        Assert.Equal(Sha256(SmallTownJson), Sha256(TownFile.Serialize(again, new TownProvenance(7, SmallOptions))));
        var other = TownGenerator.Generate("Small", 8, SmallOptions);
        Assert.NotEqual(Sha256(SmallTownJson), Sha256(TownFile.Serialize(other, new TownProvenance(7, SmallOptions))));
    }

    [Fact]
    public void TownPassesAllChecks()
    {
        var town = SmallTown;
        Assert.Empty(TownChecks.Find(town));
        Assert.All(town.Lanes, l => Assert.NotEmpty(l.Successors));
        Assert.Contains(town.Lanes, l => l.LeftNeighbour >= 0);
    }

    [Fact]
    public void ConnectorsJoinTheirLanesWithinOneCentimetreAndWithoutKinks()
    {
        var town = SmallTown;
        int connectors = 0;
        foreach (var c in town.Lanes.Where(l => l.InJunction))
        {
            connectors++;
            var from = Assert.Single(c.Predecessors);
            var to = Assert.Single(c.Successors);
            Assert.True(town.Lanes[from].Centre.End.DistanceTo(c.Centre.Start) <= 0.01);
            Assert.True(c.Centre.End.DistanceTo(town.Lanes[to].Centre.Start) <= 0.01);
            Assert.True(Math.Abs(Angles.Wrap(c.Centre.HeadingAt(0) - town.Lanes[from].Centre.HeadingAt(town.Lanes[from].Length))) < 0.2);
            Assert.True(Math.Abs(Angles.Wrap(town.Lanes[to].Centre.HeadingAt(0) - c.Centre.HeadingAt(c.Length))) < 0.2);
            Assert.False(town.Lanes[from].InJunction);
            Assert.False(town.Lanes[to].InJunction);
        }
        Assert.True(connectors > 20);
    }

    [Fact]
    public void LeftsLeaveTheLeftmostLaneRightsTheRightmostAndStraightsEveryLane()
    {
        var town = SmallTown;
        foreach (var c in town.Lanes.Where(l => l.InJunction))
        {
            var from = town.Lanes[c.Predecessors[0]];
            var to = town.Lanes[c.Successors[0]];
            double turn = Angles.Wrap(to.Centre.HeadingAt(0) - from.Centre.HeadingAt(from.Length));
            switch (c.Turn)
            {
                case Turn.Left:
                    Assert.True(turn > 35 * Math.PI / 180, $"left connector {c.Id} turns {turn}");
                    Assert.Equal(-1, from.LeftNeighbour);
                    Assert.Equal(-1, to.LeftNeighbour);
                    break;
                case Turn.Right:
                    Assert.True(turn < -35 * Math.PI / 180, $"right connector {c.Id} turns {turn}");
                    Assert.Equal(-1, from.RightNeighbour);
                    Assert.Equal(-1, to.RightNeighbour);
                    break;
                default:
                    Assert.True(Math.Abs(turn) < 35 * Math.PI / 180);
                    break;
            }
        }
        // Every lane of a road that ends at a junction with a straight exit has its own straight connector.
        foreach (var l in town.Lanes.Where(l => !l.InJunction))
        {
            var row = town.LanesAbreast(l.Id).ToArray();
            bool anyStraight = row.Any(r => town.Lanes[r].Successors.Any(s => town.Lanes[s].Turn == Turn.Straight));
            if (anyStraight) Assert.Contains(l.Successors, s => town.Lanes[s].Turn == Turn.Straight);
        }
        Assert.Contains(town.Lanes, l => l.Turn == Turn.Left);
        Assert.Contains(town.Lanes, l => l.Turn == Turn.Right);
    }

    [Fact]
    public void RoadLanesHaveNeighboursMarksWidthsAndClassSpeeds()
    {
        var town = SmallTown;
        double[] speeds = [Math.Round(30 / 3.6, 3), Math.Round(50 / 3.6, 3), Math.Round(70 / 3.6, 3)];
        foreach (var l in town.Lanes)
        {
            Assert.Equal(3.5, l.Width);
            if (l.InJunction)
            {
                Assert.Equal(-1, l.RoadId);
                Assert.Equal(LaneMark.None, l.LeftMark);
                continue;
            }
            Assert.Contains(l.SpeedLimit, speeds);
            Assert.Equal(l.LeftNeighbour < 0 ? LaneMark.Solid : LaneMark.Dashed, l.LeftMark);
            Assert.Equal(l.RightNeighbour < 0 ? LaneMark.Edge : LaneMark.Dashed, l.RightMark);
            // The innermost lane has the opposite direction across the solid centre line, about one lane width away.
            if (l.LeftNeighbour < 0)
            {
                var opp = town.Lanes[l.OppositeNeighbour];
                Assert.Equal(l.RoadId, opp.RoadId);
                Assert.Equal(3.5, Math.Abs(opp.Centre.Project(l.Centre.PointAt(l.Length / 2)).Lateral), 1);
            }
            else Assert.Equal(-1, l.OppositeNeighbour);
            // Two lanes per direction travel at arterial or ring speed; one lane at local or collector speed.
            if (l.LeftNeighbour >= 0 || l.RightNeighbour >= 0) Assert.NotEqual(speeds[0], l.SpeedLimit);
        }
        // Every road direction starts with a speed sign on its rightmost lane, beside the kerb.
        int directions = town.Lanes.Count(l => !l.InJunction && l.RightNeighbour < 0);
        Assert.Equal(directions, town.SpeedSigns.Count);
        foreach (var s in town.SpeedSigns)
        {
            var lane = town.Lanes[s.LaneId];
            Assert.Equal(-1, lane.RightNeighbour);
            Assert.Equal(lane.SpeedLimit, s.Limit);
            Assert.True(s.S <= 3);
            Assert.True(lane.Centre.Project(s.Position).Lateral < -lane.Width / 2);
        }
    }

    [Fact]
    public void JunctionsHaveControlsStopLinesAndCrosswalks()
    {
        var town = SmallTown;
        Assert.NotEmpty(town.Junctions);
        foreach (var j in town.Junctions)
        {
            Assert.InRange(j.Incoming.Length, 3, 8);
            var signed = j.Incoming.Where(l => town.Lanes[l].SignalId >= 0).ToArray();
            switch (j.Control)
            {
                case JunctionControl.TrafficLights:
                    Assert.Equal(j.Incoming.Length, signed.Length);
                    Assert.All(signed, l => Assert.Equal(SignalKind.TrafficLight, town.Signals[town.Lanes[l].SignalId].Kind));
                    Assert.True(j.PhaseGroups >= 2);
                    break;
                case JunctionControl.AllWayStop:
                    Assert.Equal(j.Incoming.Length, signed.Length);
                    Assert.All(signed, l => Assert.Equal(SignalKind.StopSign, town.Signals[town.Lanes[l].SignalId].Kind));
                    break;
                default:
                    Assert.NotEmpty(signed);
                    Assert.True(signed.Length < j.Incoming.Length);
                    break;
            }
            foreach (int c in j.Connectors)
                Assert.Equal(j.Id, town.InJunction(town.Lanes[c].Centre.PointAt(town.Lanes[c].Length / 2)));
        }
        foreach (var s in town.Signals)
        {
            // The painted line spans exactly the controlled lanes, through each lane's end.
            Assert.Equal(s.Lanes.Length * 3.5, s.StopLineA.DistanceTo(s.StopLineB), 2);
            var line = new Polyline([s.StopLineA, s.StopLineB]);
            Assert.All(s.Lanes, l => Assert.True(line.Project(town.Lanes[l].Centre.End).Distance < 0.01));
            Assert.All(s.Lanes, l => Assert.Equal(s.Id, town.Lanes[l].SignalId));
        }
        Assert.NotEmpty(town.Crosswalks);
        Assert.All(town.Crosswalks, c => Assert.True(c.A.DistanceTo(c.B) > 2 * 3.5));
    }

    [Fact]
    public void EachApproachPhasingGivesEveryApproachItsOwnGroup()
    {
        var town = TownGenerator.Generate("Phases", 3, SmallOptions with { Phasing = LightPhasing.EachApproach, TrafficLights = 1, AllWayStops = 0, MinorStops = 0 });
        foreach (var j in town.Junctions)
        {
            Assert.Equal(JunctionControl.TrafficLights, j.Control);
            var groups = town.Signals.Where(s => s.JunctionId == j.Id).Select(s => s.PhaseGroup).ToArray();
            Assert.Equal(j.PhaseGroups, groups.Length);
            Assert.Equal(groups.Length, groups.Distinct().Count());
        }
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void ExtremeOptionsStillGiveSoundTowns(ulong seed)
    {
        var options = new TownOptions { Columns = 4, Rows = 5, BlockLength = 140, Jitter = 0.15, RemovedEdges = 0.5, CurvedRoads = 1, CurveBulge = 0.15, Arterials = 2, MultiLaneRing = true };
        var town = TownGenerator.Generate("Extreme", seed, options);
        Assert.Empty(TownChecks.Find(town));
    }

    [Fact]
    public void OutOfRangeOptionsAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => TownGenerator.Generate("Bad", 1, new TownOptions { Columns = 2 }));
        Assert.Contains("Columns", e.Message);
        e = Assert.Throws<ArgumentException>(() => TownGenerator.Generate("Bad", 1, new TownOptions { TrafficLights = 0, AllWayStops = 0, MinorStops = 0 }));
        Assert.Contains("TrafficLights", e.Message);
    }

    [Fact]
    public void LookupsAnswerRoadsJunctionsAndLanesAbreast()
    {
        var town = SmallTown;
        Assert.Equal(town.Lanes.Max(l => l.RoadId) + 1, town.RoadCount());
        for (int r = 0; r < town.RoadCount(); r++)
            foreach (int l in town.RoadLanes(r)) Assert.Equal(r, town.Lanes[l].RoadId);
        foreach (var l in town.Lanes.Where(l => !l.InJunction))
        {
            int j = town.JunctionAhead(l.Id);
            Assert.Equal(town.Lanes[l.Successors[0]].JunctionId, j);
            Assert.Contains(l.Id, town.Junctions[j].Incoming);
            var row = town.LanesAbreast(l.Id);
            Assert.Equal(-1, town.Lanes[row[0]].LeftNeighbour);
            Assert.True(row.Contains(l.Id));
        }
        foreach (var j in town.Junctions)
            foreach (int s in town.JunctionSignals(j.Id)) Assert.Equal(j.Id, town.Signals[s].JunctionId);
        var (pos, heading) = town.Pose(new LanePoint(0, 1));
        Assert.Equal(town.Lanes[0].Centre.PointAt(1), pos);
        Assert.Equal(town.Lanes[0].Centre.HeadingAt(1), heading);
    }
}
