namespace PacSpace.Ledger.Tests;

/// <summary>Every spelling of the one environment type: which parser takes which name, and that names round-trip.</summary>
public sealed class PacSpaceEnvironmentTests
{
    private delegate bool Parser(string? text, out PacSpaceEnvironment env);

    /// <summary>Every name any generation of the API uses, with its value.</summary>
    public static TheoryData<string, PacSpaceEnvironment> AllSpellings => new()
    {
        { "sandbox", PacSpaceEnvironment.Sandbox },
        { "testnet", PacSpaceEnvironment.Sandbox },
        { "test", PacSpaceEnvironment.Sandbox },
        { "production", PacSpaceEnvironment.Production },
        { "mainnet", PacSpaceEnvironment.Production },
        { "live", PacSpaceEnvironment.Production },
    };

    /// <summary>For each parser, the names it accepts (the rest of <see cref="AllSpellings"/> it must refuse).</summary>
    public static TheoryData<string, string[]> Accepted => new()
    {
        { nameof(PacSpaceEnvironments.TryParseCurrent), ["sandbox", "production"] },
        { nameof(PacSpaceEnvironments.TryParseDashboard), ["sandbox", "production", "testnet", "mainnet"] },
        { nameof(PacSpaceEnvironments.TryParseKeyName), ["test", "live"] },
        { nameof(PacSpaceEnvironments.TryParseAny), ["sandbox", "production", "testnet", "mainnet", "test", "live"] },
    };

    public static TheoryData<string> Parsers => new(Accepted.Select(row => (string)row[0]));

    public static TheoryData<string?> NotNames => new()
    {
        null, "", " ", "Sandbox", "SANDBOX", "Production", "Test", "LIVE", "Mainnet", "TestNet", " sandbox", "live ", "prod", "dev", "staging",
        "pk_test_", "0", "1", "Sandbox\0",
    };

    [Theory]
    [MemberData(nameof(AllSpellings))]
    public void TryParseAny_ReadsEveryAlias(string name, PacSpaceEnvironment expected)
    {
        Assert.True(PacSpaceEnvironments.TryParseAny(name, out var env));
        Assert.Equal(expected, env);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void EachParser_AcceptsItsNamesOnly(string parser, string[] accepted)
    {
        var parse = ParserNamed(parser);
        foreach (var (name, expected) in Spellings())
        {
            var ok = parse(name, out var env);
            Assert.True(ok == accepted.Contains(name), $"{parser}(\"{name}\") returned {ok}.");
            if (ok)
            {
                Assert.Equal(expected, env);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void EachParser_RefusesWrongCaseUnknownEmptyAndNull(string parser)
    {
        var parse = ParserNamed(parser);
        foreach (var text in NotNames)
        {
            Assert.False(parse(text, out _), $"{parser} accepted {(text is null ? "null" : $"\"{text}\"")}.");
        }
    }

    [Fact]
    public void Names_AreTheDocumentedSpellings()
    {
        Assert.Equal(("sandbox", "testnet", "test"), (PacSpaceEnvironment.Sandbox.Name(), PacSpaceEnvironment.Sandbox.V36Name(), PacSpaceEnvironment.Sandbox.KeyName()));
        Assert.Equal(("production", "mainnet", "live"), (PacSpaceEnvironment.Production.Name(), PacSpaceEnvironment.Production.V36Name(), PacSpaceEnvironment.Production.KeyName()));
        Assert.Equal(("pk_test_", "296"), (PacSpaceEnvironment.Sandbox.KeyPrefix(), PacSpaceEnvironment.Sandbox.ChainId()));
        Assert.Equal(("pk_live_", "295"), (PacSpaceEnvironment.Production.KeyPrefix(), PacSpaceEnvironment.Production.ChainId()));
    }

    [Fact]
    public void EveryName_RoundTripsThroughItsParser()
    {
        Assert.Equal([PacSpaceEnvironment.Sandbox, PacSpaceEnvironment.Production], PacSpaceEnvironments.All);
        Assert.Equal(Enum.GetValues<PacSpaceEnvironment>(), PacSpaceEnvironments.All);
        foreach (var env in PacSpaceEnvironments.All)
        {
            Assert.True(PacSpaceEnvironments.TryParseCurrent(env.Name(), out var current) && current == env);
            Assert.True(PacSpaceEnvironments.TryParseDashboard(env.Name(), out var dashboard) && dashboard == env);
            Assert.True(PacSpaceEnvironments.TryParseDashboard(env.V36Name(), out var v36) && v36 == env);
            Assert.True(PacSpaceEnvironments.TryParseKeyName(env.KeyName(), out var key) && key == env);
            Assert.Equal(env, PacSpaceEnvironments.FromStored(env.Name()));
            Assert.Equal(env, PacSpaceEnvironments.FromStoredKeyName(env.KeyName()));
            foreach (var name in new[] { env.Name(), env.V36Name(), env.KeyName() })
            {
                Assert.True(PacSpaceEnvironments.TryParseAny(name, out var any) && any == env);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("Sandbox")]
    [InlineData("testnet")]
    [InlineData("test")]
    [InlineData("live")]
    [InlineData("garbage")]
    public void FromStored_ThrowsOnAnythingButACurrentName(string stored)
    {
        var ex = Assert.Throws<InvalidDataException>(() => PacSpaceEnvironments.FromStored(stored));
        Assert.Contains($"'{stored}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Test")]
    [InlineData("sandbox")]
    [InlineData("production")]
    [InlineData("mainnet")]
    [InlineData("garbage")]
    public void FromStoredKeyName_ThrowsOnAnythingButAKeyName(string stored)
    {
        var ex = Assert.Throws<InvalidDataException>(() => PacSpaceEnvironments.FromStoredKeyName(stored));
        Assert.Contains($"'{stored}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dictionaries_AgreeWithTheirParsers()
    {
        AssertAgree(PacSpaceEnvironments.CurrentNames, PacSpaceEnvironments.TryParseCurrent, ["sandbox", "production"]);
        AssertAgree(PacSpaceEnvironments.DashboardNames, PacSpaceEnvironments.TryParseDashboard, ["sandbox", "production", "testnet", "mainnet"]);
        AssertAgree(PacSpaceEnvironments.KeyNames, PacSpaceEnvironments.TryParseKeyName, ["test", "live"]);
    }

    [Fact]
    public void Dictionaries_AreCaseSensitiveLikeTheParsers()
    {
        Assert.False(PacSpaceEnvironments.CurrentNames.ContainsKey("Sandbox"));
        Assert.False(PacSpaceEnvironments.DashboardNames.ContainsKey("MAINNET"));
        Assert.False(PacSpaceEnvironments.KeyNames.ContainsKey("Live"));
    }

    [Theory]
    [InlineData(PacSpaceEnvironment.Sandbox)]
    [InlineData(PacSpaceEnvironment.Production)]
    public void GeneratedKeys_StartWithTheEnvironmentsPrefix_AndParseBackToIt(PacSpaceEnvironment env)
    {
        var key = ApiKeyFormat.Generate(env);

        Assert.Equal(env, key.Environment);
        Assert.StartsWith(env.KeyPrefix(), key.FullKey, StringComparison.Ordinal);
        Assert.StartsWith($"sk_{env.KeyName()}_", key.SecretKey, StringComparison.Ordinal);
        Assert.True(ApiKeyFormat.TryParse(key.FullKey, out var parsed, out _, out _));
        Assert.Equal(env, parsed);
        Assert.True(PacSpaceEnvironments.TryParseKeyName(key.PublicKey[3..^(ApiKeyFormat.PublicIdLength + 1)], out var fromPrefix));
        Assert.Equal(env, fromPrefix);
    }

    private static void AssertAgree(IReadOnlyDictionary<string, PacSpaceEnvironment> names, Parser parse, string[] expectedKeys)
    {
        Assert.Equal(expectedKeys.Order(), names.Keys.Order());
        foreach (var (name, env) in names)
        {
            Assert.True(parse(name, out var parsed), name);
            Assert.Equal(env, parsed);
        }

        foreach (var (name, _) in Spellings())
        {
            Assert.Equal(names.ContainsKey(name), parse(name, out _));
        }
    }

    private static IEnumerable<(string Name, PacSpaceEnvironment Env)> Spellings() =>
        AllSpellings.Select(row => ((string)row[0], (PacSpaceEnvironment)row[1]));

    private static Parser ParserNamed(string name) => name switch
    {
        nameof(PacSpaceEnvironments.TryParseCurrent) => PacSpaceEnvironments.TryParseCurrent,
        nameof(PacSpaceEnvironments.TryParseDashboard) => PacSpaceEnvironments.TryParseDashboard,
        nameof(PacSpaceEnvironments.TryParseKeyName) => PacSpaceEnvironments.TryParseKeyName,
        nameof(PacSpaceEnvironments.TryParseAny) => PacSpaceEnvironments.TryParseAny,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
