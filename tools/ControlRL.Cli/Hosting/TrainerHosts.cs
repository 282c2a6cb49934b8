using ControlRL.Cli.Training;
using ControlRL.Learning.Algorithms;

namespace ControlRL.Cli.Hosting;

/// <summary>
/// The trainer host of each algorithm, by the name it has in <see cref="AlgorithmRegistry"/>. The host contract
/// (<see cref="TrainRequest"/>: run folder, metrics, progress) belongs to the CLI, so hosts are registered here while
/// the algorithm's config type and config folder are registered with the learning library.
/// </summary>
public static class TrainerHosts
{
    private static readonly Dictionary<string, Func<ITrainerHost>> Factories = new(StringComparer.Ordinal)
    {
        ["ppo"] = () => new PpoTrainerHost(),
    };

    /// <summary>Adds the host factory of a registered algorithm.</summary>
    public static void Register(string algo, Func<ITrainerHost> factory)
    {
        AlgorithmRegistry.Get(algo);
        lock (Factories)
        {
            if (!Factories.TryAdd(algo, factory))
                throw new ArgumentException($"A trainer for algorithm '{algo}' is already registered.", nameof(algo));
        }
    }

    /// <summary>Algorithms with a trainer host.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Factories) return Factories.Keys.ToArray(); }
    }

    /// <summary>A new host for <paramref name="algo"/>; <see cref="CliUsageException"/> when it has none.</summary>
    public static ITrainerHost Create(string algo)
    {
        Func<ITrainerHost>? factory;
        lock (Factories) Factories.TryGetValue(algo, out factory);
        return factory?.Invoke() ?? throw new CliUsageException(AlgorithmRegistry.Find(algo) is null
            ? AlgorithmRegistry.UnknownMessage(algo) + "."
            : $"algorithm '{algo}' has no trainer in this build (trainers: {string.Join(", ", Names)}).");
    }
}

/// <summary>The trainer <c>controlrl train</c> uses: hands each request to the host of its config's algorithm.</summary>
public sealed class AlgorithmTrainerHost : ITrainerHost
{
    public int Train(TrainRequest request, CancellationToken cancellationToken) =>
        TrainerHosts.Create(request.Config.Algo).Train(request, cancellationToken);
}
