namespace ControlRL.Learning.Ppo;

/// <summary>
/// PPO hyperparameters. Defaults are CleanRL's ppo_continuous_action.py (REFERENCE.md section 10).
/// YAML keys are the snake_case property names (e.g. <c>num_minibatches</c>).
/// </summary>
public sealed class PpoConfig
{
    public string EnvId { get; set; } = "HalfCheetah-v5";
    public long TotalTimesteps { get; set; } = 1_000_000;
    public ulong Seed { get; set; } = 1;

    /// <summary>Parallel sub-envs; the rollout is NumEnvs x NumSteps samples.</summary>
    public int NumEnvs { get; set; } = 1;
    public int NumSteps { get; set; } = 2048;

    /// <summary>Vector env: <c>sync</c> (one thread) or <c>threaded</c> (env workers on threads).</summary>
    public string VectorEnv { get; set; } = "sync";

    /// <summary>Threads stepping envs for <c>threaded</c>, the calling thread included; 0 means one per core.</summary>
    public int EnvWorkers { get; set; }

    public double LearningRate { get; set; } = 3e-4;
    public bool AnnealLr { get; set; } = true;
    public double AdamEps { get; set; } = 1e-5;
    public double Gamma { get; set; } = 0.99;
    public double GaeLambda { get; set; } = 0.95;
    public int NumMinibatches { get; set; } = 32;
    public int UpdateEpochs { get; set; } = 10;
    public bool NormAdv { get; set; } = true;
    public double ClipCoef { get; set; } = 0.2;
    public bool ClipVloss { get; set; } = true;
    public double EntCoef { get; set; }
    public double VfCoef { get; set; } = 0.5;
    public double MaxGradNorm { get; set; } = 0.5;

    /// <summary>Stop an update's epochs early when the approximate KL exceeds this; null disables (CleanRL default).</summary>
    public double? TargetKl { get; set; }

    /// <summary>
    /// The env pipeline, in order, e.g. <c>[frame_skip(k=4), grayscale, resize(size=64), frame_stack(n=4)]</c>
    /// (<see cref="Core.Pipeline.EnvPipeline"/> lists the names). Single-env wrappers wrap each sub-env (inside the
    /// spec's time limit unless a time_limit is listed); clip_action / normalize_observation / normalize_reward listed
    /// here replace the vector stage that the booleans below otherwise build.
    /// </summary>
    public string[] Wrappers { get; set; } = [];

    /// <summary><c>auto</c> (MLP actor-critic for flat float observations, else encoded), <c>mlp</c> or <c>encoded</c>.</summary>
    public string Policy { get; set; } = "auto";

    /// <summary>Image encoder of encoded policies: <c>nature</c> (Mnih et al. 2015) or <c>impala</c> (Espeholt et al. 2018).</summary>
    public string Cnn { get; set; } = "nature";

    /// <summary>Width of the CNN's output layer; 0 takes the encoder's default (nature 512, impala 256).</summary>
    public int CnnFeatures { get; set; }

    /// <summary>Action distribution of encoded policies: gaussian, squashed_gaussian, beta, categorical; null picks by action space.</summary>
    public string? ActionHead { get; set; }

    public bool NormalizeObservation { get; set; } = true;
    public bool NormalizeReward { get; set; } = true;
    public double ObsClip { get; set; } = 10.0;
    public double RewardClip { get; set; } = 10.0;

    /// <summary>Hidden layer widths of the actor and of the critic (separate networks).</summary>
    public int[] HiddenSizes { get; set; } = [64, 64];

    /// <summary><c>tanh</c> or <c>relu</c>.</summary>
    public string Activation { get; set; } = "tanh";
    public double LogStdInit { get; set; }

    /// <summary>Orthogonal initialisation (CleanRL); false keeps PyTorch's default Linear init (RL-Zoo's ortho_init: false).</summary>
    public bool OrthoInit { get; set; } = true;

    /// <summary>Curriculum teacher choosing the task of each episode of a parameterized env: <c>random</c>,
    /// <c>alp-gmm</c>, <c>covar-gmm</c> or <c>riac</c>; null trains on the env's default task.</summary>
    public string? Curriculum { get; set; }

    /// <summary>Returns mapped to [0, 1] before the teacher uses them (teachDeepRL's walker: [-150, 350]).</summary>
    public double[] CurriculumReturnRange { get; set; } = [-150, 350];

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>TorchSharp intra-op threads; 0 leaves TorchSharp's default.</summary>
    public int TorchThreads { get; set; } = 1;

    /// <summary>Write a checkpoint every this many updates (and always at the end); 0 only at the end.</summary>
    public int CheckpointEvery { get; set; } = 50;

    /// <summary>The parsed env pipeline of <see cref="Wrappers"/>.</summary>
    public Core.Pipeline.EnvPipeline Pipeline() => new(Wrappers.Select(Core.Pipeline.WrapperSpec.Parse));

    public int BatchSize => NumEnvs * NumSteps;
    public int MinibatchSize => BatchSize / NumMinibatches;
    public int NumUpdates => (int)(TotalTimesteps / BatchSize);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        static void Require(bool ok, string msg)
        {
            if (!ok) throw new ArgumentException(msg);
        }
        Require(!string.IsNullOrWhiteSpace(EnvId), "env_id must be set.");
        Require(TotalTimesteps > 0, $"total_timesteps must be positive (got {TotalTimesteps}).");
        Require(NumEnvs >= 1, $"num_envs must be >= 1 (got {NumEnvs}).");
        Require(NumSteps >= 1, $"num_steps must be >= 1 (got {NumSteps}).");
        Require((long)NumEnvs * NumSteps <= 1 << 28,
            $"num_envs * num_steps = {(long)NumEnvs * NumSteps} samples per rollout is more than {1 << 28}.");
        Require(NumMinibatches >= 1 && BatchSize % NumMinibatches == 0,
            $"num_minibatches ({NumMinibatches}) must divide the batch size num_envs*num_steps ({BatchSize}).");
        Require(TotalTimesteps >= BatchSize, $"total_timesteps ({TotalTimesteps}) is smaller than one batch ({BatchSize}).");
        Require(UpdateEpochs >= 1, $"update_epochs must be >= 1 (got {UpdateEpochs}).");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"learning_rate must be positive (got {LearningRate}).");
        Require(Gamma is > 0 and <= 1, $"gamma must be in (0, 1] (got {Gamma}).");
        Require(GaeLambda is >= 0 and <= 1, $"gae_lambda must be in [0, 1] (got {GaeLambda}).");
        Require(ClipCoef > 0, $"clip_coef must be positive (got {ClipCoef}).");
        Require(HiddenSizes.Length >= 1 && HiddenSizes.All(h => h > 0), "hidden_sizes must be a non-empty list of positive widths.");
        Require(Activation is "tanh" or "relu", $"activation must be tanh or relu (got '{Activation}').");
        Require(VectorEnv is "sync" or "threaded", $"vector_env must be sync or threaded (got '{VectorEnv}').");
        Require(Device is "cpu" or "cuda" || Device.StartsWith("cuda:", StringComparison.Ordinal), $"device must be cpu or cuda (got '{Device}').");
        Require(EnvWorkers >= 0, $"env_workers must be >= 0 (got {EnvWorkers}).");
        Require(TorchThreads >= 0, $"torch_threads must be >= 0 (got {TorchThreads}).");
        Require(Policy is "auto" or "mlp" or "encoded", $"policy must be auto, mlp or encoded (got '{Policy}').");
        Require(Cnn is "nature" or "impala", $"cnn must be nature or impala (got '{Cnn}').");
        Require(CnnFeatures >= 0, $"cnn_features must be >= 0 (got {CnnFeatures}).");
        Require(ActionHead is null or "gaussian" or "squashed_gaussian" or "beta" or "categorical",
            $"action_head must be gaussian, squashed_gaussian, beta or categorical (got '{ActionHead}').");
        Require(MinibatchSize >= 1, $"num_minibatches ({NumMinibatches}) leaves minibatches of {MinibatchSize} samples.");
        try
        {
            _ = Pipeline();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"wrappers: {e.Message}", e);
        }
        Require(Curriculum is null || Curricula.TeacherFactory.Names.Contains(Curriculum),
            $"curriculum must be one of {string.Join(", ", Curricula.TeacherFactory.Names)} (got '{Curriculum}').");
        Require(CurriculumReturnRange.Length == 2 && CurriculumReturnRange[0] < CurriculumReturnRange[1],
            "curriculum_return_range must be [low, high] with low < high.");
    }
}
