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
    [ConfigDoc("Steps per sub-env per rollout; the rollout (batch_size) is num_envs x num_steps samples.", Units = "env steps per sub-env")]
    public int NumSteps { get; set; } = 2048;

    [ConfigDoc("Adam learning rate (annealed linearly to 0 over the run when anneal_lr is true).")]
    public double LearningRate { get; set; } = 3e-4;
    [ConfigDoc("Anneal the learning rate linearly from learning_rate to 0 over the updates.")]
    public bool AnnealLr { get; set; } = true;
    [ConfigDoc("Adam's epsilon.")]
    public double AdamEps { get; set; } = 1e-5;
    [ConfigDoc("Discount factor of future rewards, in (0, 1].")]
    public double Gamma { get; set; } = 0.99;
    [ConfigDoc("GAE lambda, in [0, 1] (0: one-step TD advantages, 1: Monte Carlo).")]
    public double GaeLambda { get; set; } = 0.95;
    [ConfigDoc("Minibatches each epoch splits the rollout into; must divide num_envs x num_steps.", Units = "minibatches")]
    public int NumMinibatches { get; set; } = 32;
    [ConfigDoc("Passes over each rollout per update.", Units = "epochs")]
    public int UpdateEpochs { get; set; } = 10;
    [ConfigDoc("Normalize advantages within each minibatch (mean 0, std 1).")]
    public bool NormAdv { get; set; } = true;
    [ConfigDoc("PPO clipping range: the probability ratio is clipped to [1 - clip_coef, 1 + clip_coef] (and the value change, with clip_vloss).")]
    public double ClipCoef { get; set; } = 0.2;
    [ConfigDoc("Clip the value loss around the rollout's values by clip_coef, as CleanRL does.")]
    public bool ClipVloss { get; set; } = true;
    [ConfigDoc("Weight of the entropy bonus in the loss.")]
    public double EntCoef { get; set; }
    [ConfigDoc("Weight of the value loss in the loss.")]
    public double VfCoef { get; set; } = 0.5;
    [ConfigDoc("Gradients are rescaled so their global L2 norm is at most this.")]
    public double MaxGradNorm { get; set; } = 0.5;

    /// <summary>Stop an update's epochs early when the approximate KL exceeds this; null disables (CleanRL default).</summary>
    [ConfigDoc("Stop an update's epochs early when the approximate KL divergence exceeds this; null disables (CleanRL's default).")]
    public double? TargetKl { get; set; }

    /// <summary>
    /// <c>auto</c> (MLP actor-critic for flat float observations, else encoded), <c>mlp</c>, <c>encoded</c> or
    /// <c>carl</c> (CaRL's BEV network and Beta head, for the driving env's bev/measurements/value_measurements).
    /// </summary>
    [ConfigDoc("Network: auto (MLP actor-critic for flat float observations, else encoded), mlp, encoded, or carl (CaRL's BEV CNN, measurement MLP and Beta head; needs the observation keys bev, measurements, value_measurements).")]
    public string Policy { get; set; } = "auto";

    /// <summary>Image encoder of encoded policies: <c>nature</c> (Mnih et al. 2015) or <c>impala</c> (Espeholt et al. 2018).</summary>
    [ConfigDoc("Image encoder of encoded policies: nature (Mnih et al. 2015) or impala (Espeholt et al. 2018).")]
    public string Cnn { get; set; } = "nature";

    /// <summary>Width of the CNN's output layer; 0 takes the encoder's default (nature 512, impala 256).</summary>
    [ConfigDoc("Width of the CNN's output layer; 0 takes the encoder's default (nature 512, impala 256).", Units = "features")]
    public int CnnFeatures { get; set; }

    /// <summary>Action distribution of encoded policies: gaussian, squashed_gaussian, beta, categorical; null picks by action space.</summary>
    [ConfigDoc("Action distribution of encoded policies: gaussian, squashed_gaussian, beta or categorical; null picks by action space (Box: gaussian, Discrete: categorical).")]
    public string? ActionHead { get; set; }

    [ConfigDoc("Scale rewards by the running standard deviation of the discounted return (Gymnasium's NormalizeReward).")]
    public bool NormalizeReward { get; set; } = true;
    [ConfigDoc("Scaled rewards are clipped to [-reward_clip, reward_clip].")]
    public double RewardClip { get; set; } = 10.0;

    /// <summary>Hidden layer widths of the actor and of the critic (separate networks).</summary>
    [ConfigDoc("Hidden layer widths of the actor and of the critic (separate networks), e.g. [64, 64].", Units = "units per layer")]
    public int[] HiddenSizes { get; set; } = [64, 64];

    /// <summary><c>tanh</c> or <c>relu</c>.</summary>
    [ConfigDoc("Hidden-layer activation: tanh or relu.")]
    public string Activation { get; set; } = "tanh";
    [ConfigDoc("Initial log standard deviation of the Gaussian action distribution.")]
    public double LogStdInit { get; set; }

    /// <summary>Orthogonal initialisation (CleanRL); false keeps PyTorch's default Linear init (RL-Zoo's ortho_init: false).</summary>
    [ConfigDoc("Orthogonal initialisation (CleanRL); false keeps PyTorch's default Linear init (RL-Zoo's ortho_init: false).")]
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
        Require(Policy is "auto" or "mlp" or "encoded" or "carl", $"policy must be auto, mlp, encoded or carl (got '{Policy}').");
        Require(Policy != "carl" || ActionHead is null or "beta", $"policy carl acts through CaRL's Beta head; action_head must be beta or unset (got '{ActionHead}').");
        Require(Cnn is "nature" or "impala", $"cnn must be nature or impala (got '{Cnn}').");
        Require(CnnFeatures >= 0, $"cnn_features must be >= 0 (got {CnnFeatures}).");
        Require(ActionHead is null or "gaussian" or "squashed_gaussian" or "beta" or "categorical",
            $"action_head must be gaussian, squashed_gaussian, beta or categorical (got '{ActionHead}').");
        Require(MinibatchSize >= 1, $"num_minibatches ({NumMinibatches}) leaves minibatches of {MinibatchSize} samples.");
    }
}
