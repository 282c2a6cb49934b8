using ControlRL.Learning.Algorithms;

namespace ControlRL.Learning.Ppo;

/// <summary>
/// PPO hyperparameters. Defaults are CleanRL's ppo_continuous_action.py (vwxyzjn/cleanrl, cleanrl/ppo_continuous_action.py).
/// YAML keys are the snake_case property names (e.g. <c>num_minibatches</c>).
/// </summary>
public sealed class PpoConfig : AlgorithmConfig
{
    public override string Algo => "ppo";

    /// <summary>Steps per sub-env per rollout; the rollout is num_envs x num_steps samples.</summary>
    public int NumSteps { get; set; } = 2048;

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

    /// <summary><c>auto</c> (MLP actor-critic for flat float observations, else encoded), <c>mlp</c> or <c>encoded</c>.</summary>
    public string Policy { get; set; } = "auto";

    /// <summary>Image encoder of encoded policies: <c>nature</c> (Mnih et al. 2015) or <c>impala</c> (Espeholt et al. 2018).</summary>
    public string Cnn { get; set; } = "nature";

    /// <summary>Width of the CNN's output layer; 0 takes the encoder's default (nature 512, impala 256).</summary>
    public int CnnFeatures { get; set; }

    /// <summary>Action distribution of encoded policies: gaussian, squashed_gaussian, beta, categorical; null picks by action space.</summary>
    public string? ActionHead { get; set; }

    public bool NormalizeReward { get; set; } = true;
    public double RewardClip { get; set; } = 10.0;

    /// <summary>Hidden layer widths of the actor and of the critic (separate networks).</summary>
    public int[] HiddenSizes { get; set; } = [64, 64];

    /// <summary><c>tanh</c> or <c>relu</c>.</summary>
    public string Activation { get; set; } = "tanh";
    public double LogStdInit { get; set; }

    /// <summary>Orthogonal initialisation (CleanRL); false keeps PyTorch's default Linear init (RL-Zoo's ortho_init: false).</summary>
    public bool OrthoInit { get; set; } = true;

    // Checked: Validate refuses batches over 2^28 samples before anything divides by these.
    public int BatchSize => checked(NumEnvs * NumSteps);
    public int MinibatchSize => BatchSize / Math.Max(1, NumMinibatches);
    public int NumUpdates => (int)Math.Min(int.MaxValue, TotalTimesteps / Math.Max(1, BatchSize));

    public override IReadOnlyList<KeyValuePair<string, object>> Derived() =>
        [new("batch_size", BatchSize), new("minibatch_size", MinibatchSize), new("num_updates", NumUpdates)];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public override void Validate()
    {
        base.Validate();
        Require(NumSteps >= 1, $"num_steps must be >= 1 (got {NumSteps}).");
        Require((long)NumEnvs * NumSteps <= 1 << 28,
            $"num_envs * num_steps = {(long)NumEnvs * NumSteps:N0} samples per rollout is more than {1 << 28:N0} (2^28); lower num_envs or num_steps.");
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
        Require(Policy is "auto" or "mlp" or "encoded", $"policy must be auto, mlp or encoded (got '{Policy}').");
        Require(Cnn is "nature" or "impala", $"cnn must be nature or impala (got '{Cnn}').");
        Require(CnnFeatures >= 0, $"cnn_features must be >= 0 (got {CnnFeatures}).");
        Require(ActionHead is null or "gaussian" or "squashed_gaussian" or "beta" or "categorical",
            $"action_head must be gaussian, squashed_gaussian, beta or categorical (got '{ActionHead}').");
        Require(MinibatchSize >= 1, $"num_minibatches ({NumMinibatches}) leaves minibatches of {MinibatchSize} samples.");
    }
}
