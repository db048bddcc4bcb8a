using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Access;

/// <summary>Owner of <c>access_requests</c>: who asked for access in approval mode, kept for the operator.</summary>
internal sealed class AccessRequestStore(Database db)
{
    public sealed record NewRequest(string Id, string Email, string EmailNormalized, string Name, string Organization, string? BuyerMode, string? UseCase, long CreatedAt);

    public async Task InsertAsync(NewRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO access_requests (id, email, email_normalized, name, organization, buyer_mode, use_case, created_at)
            VALUES (@Id, @Email, @EmailNormalized, @Name, @Organization, @BuyerMode, @UseCase, @CreatedAt)
            """, request, cancellationToken: cancellationToken));
    }
}
