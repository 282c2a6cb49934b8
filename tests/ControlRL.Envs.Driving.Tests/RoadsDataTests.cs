using ControlRL.Envs.Driving.Roads;
using static ControlRL.Envs.Driving.Tests.RoadsFixtures;

namespace ControlRL.Envs.Driving.Tests;

public class RoadsDataTests
{
    private static readonly string[] Training = [.. DrivingData.TrainingTowns.Select(t => t.Name)];
    private static readonly string[] Evaluation = [.. DrivingData.EvaluationTowns.Select(t => t.Name)];

    [Fact]
    public void ShippedFilesAreCopiedNextToTheAssembly()
    {
        Assert.Equal([.. Training, .. Evaluation], DrivingData.TownNames);
        Assert.Equal(["heldout36", "quick", "training"], DrivingData.SuiteNames);
        foreach (var file in Directory.GetFiles(DrivingData.Folder, "*.json", SearchOption.AllDirectories))
            Assert.True(new FileInfo(file).Length < 1_000_000, $"{file} is {new FileInfo(file).Length} bytes");
    }

    [Fact]
    public void HeldOutTownsAreDisjointFromTrainingTowns()
    {
        Assert.Empty(Training.Intersect(Evaluation));
        Assert.Empty(DrivingData.TrainingTowns.Select(t => t.Seed).Intersect(DrivingData.EvaluationTowns.Select(t => t.Seed)));
        var hashes = DrivingData.TownNames.Select(n => Sha256(File.ReadAllText(Path.Combine(DrivingData.TownsFolder, n + ".json")))).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        // Evaluation suites use held-out towns only; the training suite uses training towns only.
        Assert.All(DrivingData.Suite("heldout36").Towns.Values, t => Assert.Contains(t.Name, Evaluation));
        Assert.All(DrivingData.Suite("quick").Towns.Values, t => Assert.Contains(t.Name, Evaluation));
        Assert.All(DrivingData.Suite("training").Towns.Values, t => Assert.Contains(t.Name, Training));
    }

    [Fact]
    public void ShippedTownsAreSoundAndCityBlockSized()
    {
        foreach (string name in DrivingData.TownNames)
        {
            var town = DrivingData.Town(name);
            Assert.Equal(name, town.Name);
            Assert.Empty(TownChecks.Find(town));
            Assert.InRange(Math.Max(town.Max.X - town.Min.X, town.Max.Y - town.Min.Y), 500, 1500);
            Assert.Contains(town.Junctions, j => j.Control == JunctionControl.TrafficLights);
        }
        Assert.Same(DrivingData.Town("Town01"), DrivingData.Town("Town01"));
        Assert.Same(DrivingData.Town("Town07"), DrivingData.Suite("quick").Towns["../towns/Town07.json"]);
        Assert.Same(DrivingData.Suite("quick"), DrivingData.Suite("quick"));
    }

    [Fact]
    public void Heldout36HasThirtySixLongRoutesSixPerConditionSet()
    {
        var suite = DrivingData.Suite("heldout36");
        Assert.Equal(SuiteSplit.Evaluation, suite.Split);
        Assert.Equal(36, suite.Routes.Count);
        Assert.Equal(Enumerable.Range(0, 36).Select(k => $"route_{k:00}"), suite.Routes.Select(r => r.Id));
        Assert.All(suite.Routes, r => Assert.InRange(r.Route.Length, 1000, 2000));
        Assert.Equal(Evaluation, suite.Routes.Select(r => r.Network.Name).Distinct().Order());
        for (int k = 0; k < 36; k++)
        {
            var set = DrivingData.ConditionSets[k % 6];
            var c = suite.Routes[k].Conditions;
            Assert.Equal((set.VehiclesPerKm, set.PedestriansPerKm, set.ParkedPerKm, set.Jaywalkers), (c.VehiclesPerKm, c.PedestriansPerKm, c.ParkedPerKm, c.Jaywalkers));
            Assert.InRange(c.Obstacles, 0, set.Obstacles);
        }
        Assert.Equal(36, suite.Routes.Select(r => r.Conditions.Seed).Distinct().Count());
        Assert.True(suite.Routes.Sum(r => r.Conditions.Obstacles) > 12);
    }

    [Fact]
    public void QuickAndTrainingSuitesHaveTheirLengths()
    {
        var quick = DrivingData.Suite("quick");
        Assert.Equal(6, quick.Routes.Count);
        Assert.All(quick.Routes, r => Assert.InRange(r.Route.Length, 300, 600));
        var training = DrivingData.Suite("training");
        Assert.Equal(SuiteSplit.Training, training.Split);
        Assert.Equal(60, training.Routes.Count);
        Assert.All(training.Routes, r => Assert.InRange(r.Route.Length, 300, 2000));
    }

    [Fact]
    public void EveryShippedRouteLiesOnItsTownsLanesFromStartToGoal()
    {
        foreach (string name in DrivingData.SuiteNames)
            foreach (var r in DrivingData.Suite(name).Routes)
            {
                var town = r.Network;
                Assert.Equal(r.Start.Lane, r.Route.Lanes[0]);
                Assert.Equal(r.Goal.Lane, r.Route.Lanes[^1]);
                Assert.True(r.Route.Path.Start.DistanceTo(town.Pose(r.Start).Position) < 1e-9);
                Assert.True(r.Route.Path.End.DistanceTo(town.Pose(r.Goal).Position) < 1e-9);
                Assert.Equal(r.LengthM, r.Route.Length, 0);
                Assert.True(r.Route.Lanes.Count(l => town.Lanes[l].InJunction) >= 1, $"{name}/{r.Id} crosses no junction");
                foreach (var p in r.Route.Path.Resample(25))
                    Assert.True(town.OnRoad(p), $"{name}/{r.Id}: {p} is off the road");
            }
    }

    [Fact]
    public void UnknownNamesListWhatExists()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => DrivingData.Town("Town99"));
        Assert.Contains("unknown town 'Town99'; available: Town01, Town02", e.Message);
        e = Assert.Throws<KeyNotFoundException>(() => DrivingData.Suite("longest6"));
        Assert.Contains("unknown suite 'longest6'; available: heldout36, quick, training", e.Message);
        Assert.Throws<KeyNotFoundException>(() => DrivingData.Town("../suites/quick"));
    }

    [Fact]
    public void RegeneratingGivesTheShippedFilesByteForByte()
    {
        foreach (var spec in new[] { DrivingData.TrainingTowns[1], DrivingData.EvaluationTowns[0] })
        {
            string shipped = File.ReadAllText(Path.Combine(DrivingData.TownsFolder, spec.Name + ".json"));
            Assert.Equal(shipped, TownFile.Serialize(DrivingData.GenerateTown(spec), new TownProvenance(spec.Seed, spec.Options)));
        }
        string quick = File.ReadAllText(Path.Combine(DrivingData.SuitesFolder, "quick.json"));
        Assert.Equal(quick, DrivingSuite.Serialize(DrivingData.BuildSuite("quick", DrivingData.Town)));
    }
}
