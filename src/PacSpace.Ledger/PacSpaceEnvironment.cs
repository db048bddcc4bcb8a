using System.Diagnostics.CodeAnalysis;

namespace PacSpace;

/// <summary>
/// The one environment type of PacSpace: the plane a key, a log or a dashboard view belongs to. Each
/// generation of the API spells it its own way; <see cref="PacSpaceEnvironments"/> knows every spelling.
/// </summary>
public enum PacSpaceEnvironment
{
    /// <summary>Free, for building and testing: <c>pk_test_</c> keys; <c>testnet</c> in the V3.6 API.</summary>
    Sandbox,

    /// <summary>Live data on a paid plan: <c>pk_live_</c> keys; <c>mainnet</c> in the V3.6 API.</summary>
    Production,
}

/// <summary>Names and aliases of <see cref="PacSpaceEnvironment"/>.</summary>
public static class PacSpaceEnvironments
{
    /// <summary>Current API name of <see cref="PacSpaceEnvironment.Sandbox"/>; also what rows store.</summary>
    public const string SandboxName = "sandbox";

    /// <summary>Current API name of <see cref="PacSpaceEnvironment.Production"/>; also what rows store.</summary>
    public const string ProductionName = "production";

    /// <summary>V3.6 API name of <see cref="PacSpaceEnvironment.Sandbox"/>.</summary>
    public const string TestnetName = "testnet";

    /// <summary>V3.6 API name of <see cref="PacSpaceEnvironment.Production"/>.</summary>
    public const string MainnetName = "mainnet";

    /// <summary>Key-prefix name of <see cref="PacSpaceEnvironment.Sandbox"/> (<c>pk_test_</c>, <c>sk_test_</c>).</summary>
    public const string TestKeyName = "test";

    /// <summary>Key-prefix name of <see cref="PacSpaceEnvironment.Production"/> (<c>pk_live_</c>, <c>sk_live_</c>).</summary>
    public const string LiveKeyName = "live";

    /// <summary>How a full Sandbox key starts.</summary>
    public const string TestKeyPrefix = "pk_" + TestKeyName + "_";

    /// <summary>How a full Production key starts.</summary>
    public const string LiveKeyPrefix = "pk_" + LiveKeyName + "_";

    /// <summary>The <c>X-Chain-Id</c> of Sandbox, which the official clients send with <c>pk_test_</c> keys.</summary>
    public const string SandboxChainId = "296";

    /// <summary>The <c>X-Chain-Id</c> of Production, which the official clients send with <c>pk_live_</c> keys.</summary>
    public const string ProductionChainId = "295";

    /// <summary>Current names to values (<c>sandbox</c>, <c>production</c>), for parsers that take a table.</summary>
    public static IReadOnlyDictionary<string, PacSpaceEnvironment> CurrentNames { get; } = new Dictionary<string, PacSpaceEnvironment>(StringComparer.Ordinal)
    {
        [SandboxName] = PacSpaceEnvironment.Sandbox,
        [ProductionName] = PacSpaceEnvironment.Production,
    };

    /// <summary>Current and V3.6 names to values: what the Dashboard API accepts where an environment is named.</summary>
    public static IReadOnlyDictionary<string, PacSpaceEnvironment> DashboardNames { get; } = new Dictionary<string, PacSpaceEnvironment>(StringComparer.Ordinal)
    {
        [SandboxName] = PacSpaceEnvironment.Sandbox,
        [ProductionName] = PacSpaceEnvironment.Production,
        [TestnetName] = PacSpaceEnvironment.Sandbox,
        [MainnetName] = PacSpaceEnvironment.Production,
    };

    /// <summary>Key-prefix names to values (<c>test</c>, <c>live</c>).</summary>
    public static IReadOnlyDictionary<string, PacSpaceEnvironment> KeyNames { get; } = new Dictionary<string, PacSpaceEnvironment>(StringComparer.Ordinal)
    {
        [TestKeyName] = PacSpaceEnvironment.Sandbox,
        [LiveKeyName] = PacSpaceEnvironment.Production,
    };

    /// <summary>Both values, Sandbox first.</summary>
    public static IReadOnlyList<PacSpaceEnvironment> All { get; } = [PacSpaceEnvironment.Sandbox, PacSpaceEnvironment.Production];

    /// <summary><c>sandbox</c> or <c>production</c>: the current API's name, also what rows store.</summary>
    public static string Name(this PacSpaceEnvironment env) => env == PacSpaceEnvironment.Production ? ProductionName : SandboxName;

    /// <summary><c>testnet</c> or <c>mainnet</c>: the V3.6 API's name.</summary>
    public static string V36Name(this PacSpaceEnvironment env) => env == PacSpaceEnvironment.Production ? MainnetName : TestnetName;

    /// <summary><c>test</c> or <c>live</c>: the name inside a key's prefix.</summary>
    public static string KeyName(this PacSpaceEnvironment env) => env == PacSpaceEnvironment.Production ? LiveKeyName : TestKeyName;

    /// <summary><c>pk_test_</c> or <c>pk_live_</c>: how a full key of the environment starts.</summary>
    public static string KeyPrefix(this PacSpaceEnvironment env) => env == PacSpaceEnvironment.Production ? LiveKeyPrefix : TestKeyPrefix;

    /// <summary><c>296</c> or <c>295</c>: the environment's <c>X-Chain-Id</c>.</summary>
    public static string ChainId(this PacSpaceEnvironment env) => env == PacSpaceEnvironment.Production ? ProductionChainId : SandboxChainId;

    /// <summary>Reads a current name only (<c>sandbox</c>, <c>production</c>), case-sensitive.</summary>
    public static bool TryParseCurrent(string? text, out PacSpaceEnvironment env) => TryParse(text, out env, current: true, v36: false, key: false);

    /// <summary>Reads a current or V3.6 name (<c>sandbox</c>, <c>production</c>, <c>testnet</c>, <c>mainnet</c>), case-sensitive.</summary>
    public static bool TryParseDashboard(string? text, out PacSpaceEnvironment env) => TryParse(text, out env, current: true, v36: true, key: false);

    /// <summary>Reads a key-prefix name only (<c>test</c>, <c>live</c>), case-sensitive.</summary>
    public static bool TryParseKeyName(string? text, out PacSpaceEnvironment env) => TryParse(text, out env, current: false, v36: false, key: true);

    /// <summary>Reads any spelling: <c>sandbox</c>/<c>testnet</c>/<c>test</c> or <c>production</c>/<c>mainnet</c>/<c>live</c>, case-sensitive.</summary>
    public static bool TryParseAny(string? text, out PacSpaceEnvironment env) => TryParse(text, out env, current: true, v36: true, key: true);

    /// <summary>A stored current name; anything else is a bug in the data.</summary>
    public static PacSpaceEnvironment FromStored(string stored) =>
        TryParseCurrent(stored, out var env) ? env : throw new InvalidDataException($"Not an environment name: '{stored}'.");

    /// <summary>A stored key-prefix name; anything else is a bug in the data.</summary>
    public static PacSpaceEnvironment FromStoredKeyName(string stored) =>
        TryParseKeyName(stored, out var env) ? env : throw new InvalidDataException($"Not a key environment name: '{stored}'.");

    private static bool TryParse([NotNullWhen(true)] string? text, out PacSpaceEnvironment env, bool current, bool v36, bool key)
    {
        (var found, env) = text switch
        {
            SandboxName when current => (true, PacSpaceEnvironment.Sandbox),
            ProductionName when current => (true, PacSpaceEnvironment.Production),
            TestnetName when v36 => (true, PacSpaceEnvironment.Sandbox),
            MainnetName when v36 => (true, PacSpaceEnvironment.Production),
            TestKeyName when key => (true, PacSpaceEnvironment.Sandbox),
            LiveKeyName when key => (true, PacSpaceEnvironment.Production),
            _ => (false, PacSpaceEnvironment.Sandbox),
        };
        return found;
    }
}
