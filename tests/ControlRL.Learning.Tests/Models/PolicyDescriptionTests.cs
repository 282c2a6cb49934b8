using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;
using ControlRL.Models.Policies;
using TorchSharp;
using static TorchSharp.torch;
using static ControlRL.Learning.Tests.Models.TensorAssert;

namespace ControlRL.Learning.Tests.Models;

public class PolicyDescriptionTests
{
    private static readonly Dict ObsSpace = new(("camera", Box.Image(64, 64, 3)), ("state", Box.Uniform(5, -1, 1)));

    [Theory]
    [InlineData("impala", "beta")]
    [InlineData("nature", "squashed_gaussian")]
    [InlineData("nature", "gaussian")]
    public void RoundTripRebuildsTheSameModule(string cnn, string head)
    {
        var actionSpace = Box.Uniform(3, -1, 1);
        var description = new PolicyDescription { Encoder = new EncoderOptions { Cnn = cnn, CnnFeatures = 64, VectorHidden = [16] }, Head = head, LogStdInit = -0.5 };
        torch.manual_seed(1);
        using var a = description.Build(ObsSpace, actionSpace);
        var json = description.ToJson();
        var back = PolicyDescription.FromJson(json);
        Assert.Equal(json, back.ToJson());
        torch.manual_seed(2);
        using var b = back.Build(ObsSpace, actionSpace);
        var pa = a.named_parameters().ToArray();
        var pb = b.named_parameters().ToArray();
        Assert.Equal(pa.Select(p => (p.name, string.Join("x", p.parameter.shape))), pb.Select(p => (p.name, string.Join("x", p.parameter.shape))));
        b.load_state_dict(a.state_dict());
        using var scope = NewDisposeScope();
        Tensor[] obs = [randint(0, 256, [4, 64, 64, 3], dtype: ScalarType.Byte), randn(4, 5)];
        var act = rand(4, 3) * 1.8 - 0.9;
        var ea = a.Evaluate(obs, act);
        var eb = b.Evaluate(obs, act);
        Assert.True(Same(ea.LogProb, eb.LogProb) && Same(ea.Value, eb.Value) && Same(ea.Entropy, eb.Entropy));
        Assert.True(Same(a.DeterministicAction(obs), b.DeterministicAction(obs)));
        Assert.Equal("encoded", a.Kind);
        Assert.False(a.HasManagedActor);
    }

    [Fact]
    public void SampleGivesActionsLogProbsAndValues()
    {
        torch.manual_seed(3);
        using var policy = new PolicyDescription { Head = "beta" }.Build(ObsSpace, Box.Uniform(2, 0, 4));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor[] obs = [randint(0, 256, [6, 64, 64, 3], dtype: ScalarType.Byte), randn(6, 5)];
        var s = policy.Sample(obs, new Generator(9));
        Assert.Equal([6L, 2L], s.Action.shape);
        Assert.Equal([6L], s.LogProb.shape);
        Assert.Equal([6L], s.Value.shape);
        Assert.True((s.Action >= 0).all().item<bool>() && (s.Action <= 4).all().item<bool>());
        Assert.True(allclose(s.LogProb, policy.Evaluate(obs, s.Action).LogProb, atol: 1e-5));
        Assert.True(Same(s.Action, policy.Sample(obs, new Generator(9)).Action));
    }

    [Fact]
    public void DefaultHeadFollowsTheActionSpace()
    {
        torch.manual_seed(4);
        using var policy = new PolicyDescription().Build(Box.Image(64, 64, 4), new Discrete(6));
        Assert.Equal("categorical", policy.Head.Kind);
        Assert.Equal(1, policy.ActionSize);
        Assert.Throws<ArgumentException>(() => new PolicyDescription { Head = "beta" }.Build(Box.Image(64, 64, 4), new Discrete(6)));
        Assert.Throws<ArgumentException>(() => PolicyDescription.FromJson("{\"encoder\": {\"cnn\": \"resnet\"}}"));
    }
}
