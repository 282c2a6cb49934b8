using System.Security.Cryptography;
using ControlRL.Core.Checkpoints;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Learning.Ppo;
using ControlRL.Models.Policies;
using static TorchSharp.torch;

namespace ControlRL.Learning.Checkpoints;

/// <summary>
/// A PPO checkpoint is a directory: <c>policy.dat</c> (TorchSharp state dict), <c>state.bin</c> (optimizer moments,
/// counters, RNG state, env normalizer statistics) and <c>meta.json</c> (config, sizes, checksums). It is written
/// into a temporary sibling and renamed into place, so a crash never leaves a half-written checkpoint.
/// </summary>
public static class PpoCheckpoint
{
    public const string PolicyFile = "policy.dat";
    public const string StateFileName = "state.bin";
    public const string MetaFile = "meta.json";

    /// <summary>
    /// Writes a checkpoint of <paramref name="trainer"/> to <paramref name="directory"/> (replacing it atomically;
    /// every file and the rename synced). <paramref name="extraFiles"/> (name -> text, e.g. eval.json of the best
    /// checkpoint) are written inside it, in the same atomic step.
    /// </summary>
    public static void Save(PpoTrainer trainer, string directory, IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        AtomicDirectory.Write(directory, tmp =>
        {
            foreach (var (name, text) in extraFiles ?? new Dictionary<string, string>())
            {
                if (name is PolicyFile or StateFileName or MetaFile || name.Contains('/') || name.Contains('\\'))
                    throw new ArgumentException($"Extra checkpoint file '{name}' is not allowed.", nameof(extraFiles));
                File.WriteAllText(Path.Combine(tmp, name), text);
            }
            trainer.Policy.save(Path.Combine(tmp, PolicyFile));

            var state = new Dictionary<string, double[]>(StringComparer.Ordinal);
            var (m, v, step) = trainer.Optimizer.GetState();
            state["optimizer/m"] = Array.ConvertAll(m, x => (double)x);
            state["optimizer/v"] = Array.ConvertAll(v, x => (double)x);
            state["optimizer/step"] = [step];
            state["optimizer/lr"] = [trainer.Optimizer.LearningRate];
            state["trainer/global_step"] = [trainer.GlobalStep];
            state["trainer/update"] = [trainer.Update];
            foreach (var (k, val) in StatefulComponents.Save(trainer.Env.FindAll<IStatefulComponent>())) state[k] = val;
            var words = new Dictionary<string, ulong[]>(StringComparer.Ordinal)
            {
                ["trainer/rng"] = trainer.Rng.GetState(),
                ["trainer/torch_generator"] = PackBytes(trainer.Generator.get_state()),
            };
            StateFile.Write(Path.Combine(tmp, StateFileName), state, words);

            var meta = new CheckpointMeta
            {
                Algorithm = trainer.Config.Algo,
                EnvId = trainer.Env.Spec.Id,
                PolicyKind = trainer.Policy.Kind,
                PolicyDescription = Models.Policies.PolicyDescription.Of(trainer.Policy)?.ToJson(),
                ObservationSpace = trainer.Env.Spec.ObservationSpace.Describe(),
                ActionSpace = trainer.Env.Spec.ActionSpace.Describe(),
                ObservationSize = trainer.Policy.ObservationSize,
                ActionSize = trainer.Policy is CategoricalActorCritic c ? c.NumActions : trainer.Policy.ActionSize,
                GlobalStep = trainer.GlobalStep,
                Update = trainer.Update,
                CreatedUtc = DateTime.UtcNow,
                Config = trainer.Config,
            };
            meta.Sha256[PolicyFile] = HashFile(Path.Combine(tmp, PolicyFile));
            meta.Sha256[StateFileName] = HashFile(Path.Combine(tmp, StateFileName));
            File.WriteAllText(Path.Combine(tmp, MetaFile), meta.ToJson());
        });
    }

    /// <summary>Reads and verifies meta.json and the checksums of the other files.</summary>
    public static CheckpointMeta ReadMeta(string directory)
    {
        if (!Directory.Exists(directory))
            throw new InvalidDataException($"Checkpoint '{directory}' does not exist.");
        string metaPath = Path.Combine(directory, MetaFile);
        if (!File.Exists(metaPath))
            throw new InvalidDataException($"Checkpoint '{directory}' has no {MetaFile}; it is not a ControlRL checkpoint or was not finished.");
        var meta = CheckpointMeta.FromJson(File.ReadAllText(metaPath), $"Checkpoint '{directory}': {MetaFile}");
        if (meta.Format != CheckpointMeta.CurrentFormat)
            throw new InvalidDataException($"Checkpoint '{directory}' has format {meta.Format}; this build reads format {CheckpointMeta.CurrentFormat}.");
        foreach (string file in new[] { PolicyFile, StateFileName })
        {
            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
                throw new InvalidDataException($"Checkpoint '{directory}' is missing {file}.");
            if (!meta.Sha256.TryGetValue(file, out var expected) || !string.Equals(expected, HashFile(path), StringComparison.Ordinal))
                throw new InvalidDataException($"Checkpoint '{directory}': {file} does not match its recorded checksum (cut short or altered).");
        }
        try
        {
            meta.Config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Checkpoint '{directory}': its config is invalid ({e.Message}).", e);
        }
        return meta;
    }

    /// <summary>
    /// Builds the policy a checkpoint describes for an env of <paramref name="spec"/> (the wrapped env it will act
    /// in) and loads its weights. Needs no trainer: MLP policies are rebuilt from their sizes, encoded and CaRL ones from
    /// their stored description and the env's spaces, which must be the ones the policy was trained on.
    /// </summary>
    public static ActorCritic LoadPolicy(string directory, CheckpointMeta meta, EnvSpec spec)
    {
        if (meta.ObservationSpace is { } trained && trained != spec.ObservationSpace.Describe())
            throw new InvalidDataException($"Checkpoint '{directory}' was trained on observations {trained}, but {spec.Id} gives {spec.ObservationSpace.Describe()}.");
        if (meta.ActionSpace is { } acts && acts != spec.ActionSpace.Describe())
            throw new InvalidDataException($"Checkpoint '{directory}' acts in {acts}, but {spec.Id} takes {spec.ActionSpace.Describe()}.");
        // MLP actor-critics are rebuilt from PPO's network settings; encoded and CaRL ones carry their own description.
        PpoConfig Mlp() => meta.Config as PpoConfig
            ?? throw new InvalidDataException($"Checkpoint '{directory}' holds a {meta.PolicyKind} policy but its {meta.Algorithm} config has no MLP network settings.");
        ActorCritic Described()
        {
            var d = Models.Policies.PolicyDescription.FromJson(meta.PolicyDescription
                ?? throw new InvalidDataException($"Checkpoint '{directory}' holds a {meta.PolicyKind} policy without its description."));
            if (d.Kind != meta.PolicyKind)
                throw new InvalidDataException($"Checkpoint '{directory}' holds a {meta.PolicyKind} policy but its description is of kind '{d.Kind}'.");
            return d.BuildPolicy(spec.ObservationSpace, spec.ActionSpace);
        }
        ActorCritic policy;
        try
        {
            policy = meta.PolicyKind switch
            {
                "gaussian" => new GaussianActorCritic(meta.ObservationSize, meta.ActionSize, Mlp().HiddenSizes, ActivationOf(Mlp()), Mlp().LogStdInit),
                "categorical" => new CategoricalActorCritic(meta.ObservationSize, meta.ActionSize, Mlp().HiddenSizes, ActivationOf(Mlp())),
                "encoded" or "carl" => Described(),
                _ => throw new InvalidDataException($"Checkpoint '{directory}' has unknown policy kind '{meta.PolicyKind}'."),
            };
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"Checkpoint '{directory}': its {meta.PolicyKind} policy cannot be rebuilt ({e.Message}).", e);
        }
        try
        {
            policy.load(Path.Combine(directory, PolicyFile));
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            policy.Dispose();
            throw new InvalidDataException($"Checkpoint '{directory}': {PolicyFile} could not be loaded into a {meta.PolicyKind} policy ({e.Message}).", e);
        }
        return policy;
    }

    private static Activation ActivationOf(PpoConfig c) => c.Activation == "relu" ? Activation.ReLU : Activation.Tanh;

    /// <summary>Reads state.bin (verified by <see cref="ReadMeta"/> first).</summary>
    public static StateData ReadState(string directory) =>
        StateFile.Read(Path.Combine(directory, StateFileName));

    /// <summary>Restores optimizer, counters, RNG and env normalizer statistics into a freshly built trainer.</summary>
    public static void Restore(PpoTrainer trainer, string directory)
    {
        var meta = ReadMeta(directory);
        if (meta.Algorithm != trainer.Config.Algo)
            throw new InvalidDataException($"Checkpoint '{directory}' was trained with {meta.Algorithm}, not {trainer.Config.Algo}.");
        if (meta.EnvId != trainer.Env.Spec.Id)
            throw new InvalidDataException($"Checkpoint '{directory}' was trained on {meta.EnvId}, not {trainer.Env.Spec.Id}.");
        using (var loaded = LoadPolicy(directory, meta, trainer.Env.Spec))
        {
            if (!SameShapes(loaded, trainer.Policy))
                throw new InvalidDataException($"Checkpoint '{directory}' holds a {meta.PolicyKind} policy with hidden sizes [{string.Join(",", (meta.Config as PpoConfig)?.HiddenSizes ?? [])}] that does not match the configured network [{string.Join(",", trainer.Config.HiddenSizes)}].");
            using var _ = no_grad();
            trainer.Policy.load_state_dict(loaded.state_dict());
        }
        var state = ReadState(directory);
        double[] Get(string key) => state.Doubles.TryGetValue(key, out var v)
            ? v : throw new InvalidDataException($"Checkpoint '{directory}': state.bin has no entry '{key}'.");
        trainer.Optimizer.SetState(
            Array.ConvertAll(Get("optimizer/m"), x => (float)x),
            Array.ConvertAll(Get("optimizer/v"), x => (float)x),
            (long)Get("optimizer/step")[0]);
        trainer.Optimizer.LearningRate = Get("optimizer/lr")[0];
        trainer.GlobalStep = (long)Get("trainer/global_step")[0];
        trainer.Update = (int)Get("trainer/update")[0];
        trainer.Rng.SetState(state.Words.TryGetValue("trainer/rng", out var rng)
            ? rng : throw new InvalidDataException($"Checkpoint '{directory}': state.bin has no entry 'trainer/rng'."));
        if (state.Words.TryGetValue("trainer/torch_generator", out var gen))
            trainer.Generator.set_state(UnpackBytes(gen));
        RestoreEnvState(trainer.Env, state.Doubles);
        trainer.EnvStarted = false;
        trainer.RefreshActor();
    }

    /// <summary>Loads normalizer statistics (and any other stateful wrapper) of the env chain.</summary>
    public static void RestoreEnvState(IVectorEnv env, IReadOnlyDictionary<string, double[]> state) =>
        StatefulComponents.Load(env.FindAll<IStatefulComponent>(), state);

    private static bool SameShapes(ActorCritic a, ActorCritic b)
    {
        var pa = a.named_parameters().ToArray();
        var pb = b.named_parameters().ToArray();
        return a.GetType() == b.GetType() && pa.Length == pb.Length
            && pa.Zip(pb).All(p => p.First.name == p.Second.name && p.First.parameter.shape.SequenceEqual(p.Second.parameter.shape));
    }

    // A torch generator's state (a uint8 tensor) as words: [byte count, bytes packed 8 per word].
    private static ulong[] PackBytes(Tensor state)
    {
        using var s = state;
        byte[] bytes = s.cpu().data<byte>().ToArray();
        var words = new ulong[1 + (bytes.Length + 7) / 8];
        words[0] = (ulong)bytes.Length;
        Buffer.BlockCopy(bytes, 0, words, 8, bytes.Length);
        return words;
    }

    private static Tensor UnpackBytes(ulong[] words)
    {
        if (words.Length == 0 || words[0] > (ulong)(words.Length - 1) * 8)
            throw new InvalidDataException("state.bin: entry 'trainer/torch_generator' is malformed.");
        var bytes = new byte[(int)words[0]];
        Buffer.BlockCopy(words, 8, bytes, 0, bytes.Length);
        return tensor(bytes);
    }

    private static string HashFile(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
