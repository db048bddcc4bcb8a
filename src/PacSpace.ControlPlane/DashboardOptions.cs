using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane;

public enum RegistrationMode
{
    Open,
    Approval,
}

public enum BillingMode
{
    SelfServe,
    Operator,
}

/// <summary>Section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    /// <summary>The URL users reach the control plane at; used in e-mail links.</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";
}

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>Base64 HMAC key for JWTs, at least 32 bytes. <c>pacspace up</c> generates one.</summary>
    [Required]
    public string JwtSigningKey { get; set; } = "";

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    public RegistrationMode RegistrationMode { get; set; } = RegistrationMode.Open;

    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromHours(48);

    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan ApprovalTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Consecutive failed logins on one account before it is locked for <see cref="LockoutDuration"/>.</summary>
    [Range(1, 100)]
    public int LockoutThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Login attempts (API and form POSTs; page views do not count) allowed per client IP per minute, whatever the account.</summary>
    [Range(1, 100000)]
    public int LoginRequestsPerMinutePerIp { get; set; } = 30;

    public string CookieName { get; set; } = "pacspace_session";
}

/// <summary>Section <c>Billing</c>.</summary>
public sealed class BillingOptions
{
    /// <summary><c>SelfServe</c>: users change their own plan. <c>Operator</c>: only <c>pacspace tenants set-plan</c> does.</summary>
    public BillingMode Mode { get; set; } = BillingMode.Operator;
}

/// <summary>Section <c>Smtp</c>. When <see cref="Host"/> is empty mail goes to the outbox folder instead.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary><c>Auto</c>, <c>StartTls</c>, <c>SslOnConnect</c> or <c>None</c>.</summary>
    public string Security { get; set; } = "Auto";

    [Required]
    public string From { get; set; } = "PacSpace <no-reply@pacspace.local>";

    /// <summary>Where mails are written when no SMTP host is set.</summary>
    public string OutboxDirectory { get; set; } = Path.Combine(".pacspace", "outbox");
}

/// <summary>Section <c>Planes</c>: how the control plane reaches the Sandbox and Production planes.</summary>
public sealed class PlanesOptions
{
    /// <summary>Shared secret sent to the planes' <c>/internal/*</c> routes.</summary>
    [Required, MinLength(32)]
    public string ServiceSecret { get; set; } = "";

    [Required]
    public PlaneEndpoint Sandbox { get; set; } = new() { InternalUrl = "http://127.0.0.1:5081", PublicUrl = "http://127.0.0.1:5081" };

    [Required]
    public PlaneEndpoint Production { get; set; } = new() { InternalUrl = "http://127.0.0.1:5082", PublicUrl = "http://127.0.0.1:5082" };
}

public sealed class PlaneEndpoint
{
    /// <summary>Where the control plane calls the plane's internal API.</summary>
    [Required, Url]
    public string InternalUrl { get; set; } = "";

    /// <summary>The Balance API base URL SDKs use for this environment.</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "";
}

/// <summary>Section <c>Provisioning</c>.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Plane calls per activation before it is marked <c>failed</c>.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed job stays with one worker; a crashed worker's job is free again after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker looks for due jobs when nothing woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs one worker runs at once.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Set to false on replicas that should serve the API only.</summary>
    public bool WorkerEnabled { get; set; } = true;
}

/// <summary>Section <c>KeySync</c>: delivery of API key changes to the planes.</summary>
public sealed class KeySyncOptions
{
    /// <summary>How long a dashboard call waits for the plane before answering <c>syncStatus: "pending"</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between two deliveries of a pending change; bounds how late a plane that came back learns it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the planes' key-usage feeds are read into <c>lastUsedAt</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan UsagePollInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Set to false on replicas that should serve the API only.</summary>
    public bool WorkerEnabled { get; set; } = true;
}
