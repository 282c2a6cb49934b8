using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// CleanRL's continuous-control agent: separate actor and critic MLPs (64-64 tanh by default), orthogonal
/// init (actor head gain 0.01, critic head 1.0) and a state-independent log-std parameter starting at
/// <c>logStdInit</c>. Actions are unsquashed Gaussian samples; the env's ClipAction wrapper bounds them.
/// </summary>
public sealed class GaussianActorCritic : ActorCritic
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    private readonly Mlp critic;
    private readonly Mlp actor_mean;
    private readonly Parameter actor_logstd;

    public GaussianActorCritic(int observationSize, int actionSize, IReadOnlyList<int> hidden, Activation activation, double logStdInit = 0.0, bool orthogonalInit = true)
        : base("gaussian_actor_critic")
    {
        ObservationSize = observationSize;
        ActionSize = actionSize;
        critic = new Mlp("critic", observationSize, hidden, 1, activation, 1.0, orthogonalInit);
        actor_mean = new Mlp("actor_mean", observationSize, hidden, actionSize, activation, 0.01, orthogonalInit);
        actor_logstd = nn.Parameter(full(1, actionSize, logStdInit, dtype: float32));
        RegisterComponents();
    }

    public override int ObservationSize { get; }
    public override int ActionSize { get; }

    public override string Kind => "gaussian";
    public override bool HasManagedActor => true;

    public override Tensor GetValue(Tensor[] observations) => critic.forward(Flat(observations, Kind)).squeeze(-1);

    public override PolicyEvaluation Evaluate(Tensor[] obs, Tensor actions)
    {
        var observations = Flat(obs, Kind);
        var mean = actor_mean.forward(observations);
        var logStd = actor_logstd.expand_as(mean);
        // log N(a; mu, sigma) summed over action dims; entropy of a diagonal Gaussian.
        var z = (actions - mean) * (-logStd).exp();
        var logProb = (z.square() * -0.5 - logStd - HalfLog2Pi).sum(-1);
        var entropy = (logStd + (0.5 + HalfLog2Pi)).sum(-1);
        var value = critic.forward(observations).squeeze(-1);
        return new PolicyEvaluation(logProb, entropy, value);
    }

    public override Tensor DeterministicAction(Tensor[] observations) => actor_mean.forward(Flat(observations, Kind));

    public override ActionSample Sample(Tensor[] observations, Generator? generator)
    {
        var obs = Flat(observations, Kind);
        var mean = actor_mean.forward(obs);
        var action = mean + actor_logstd.exp() * randn(mean.shape, generator: generator, dtype: mean.dtype, device: mean.device);
        var e = Evaluate(observations, action);
        return new ActionSample(action, e.LogProb, e.Value);
    }

    public Mlp ActorMean => actor_mean;
    public Parameter LogStd => actor_logstd;

    public override ManagedPolicy SnapshotActor()
    {
        var policy = new ManagedGaussianPolicy(actor_mean.ToManaged(), new float[ActionSize]);
        RefreshSnapshot(policy);
        return policy;
    }

    public override void RefreshSnapshot(ManagedPolicy snapshot)
    {
        if (snapshot is not ManagedGaussianPolicy g)
            throw new ArgumentException("Snapshot was not made by a GaussianActorCritic.", nameof(snapshot));
        actor_mean.CopyTo(g.Mean);
        using var scope = NewDisposeScope();
        actor_logstd.detach().cpu().contiguous().data<float>().CopyTo(g.LogStd);
    }
}
