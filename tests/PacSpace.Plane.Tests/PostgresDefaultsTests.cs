using Npgsql;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Tests;

public sealed class PostgresDefaultsTests
{
    [Fact]
    public void NothingSet_NoResetAndPreparedWithCustomPlansAdded()
    {
        var s = new NpgsqlConnectionStringBuilder(Database.PostgresDefaults("Host=db;Username=u;Database=d"));

        Assert.True(s.NoResetOnClose);
        Assert.Equal(32, s.MaxAutoPrepare);
        Assert.Equal("-c plan_cache_mode=force_custom_plan", s.Options);
        Assert.Equal("db", s.Host);
    }

    [Fact]
    public void OperatorsOwnValues_Win()
    {
        var s = new NpgsqlConnectionStringBuilder(Database.PostgresDefaults("Host=db;No Reset On Close=false;Max Auto Prepare=0;Options=-c work_mem=8MB"));

        Assert.False(s.NoResetOnClose);
        Assert.Equal(0, s.MaxAutoPrepare);
        Assert.Equal("-c work_mem=8MB", s.Options);
    }

    [Fact]
    public void OtherOptions_KeptBesideThePlanCacheMode()
    {
        var s = new NpgsqlConnectionStringBuilder(Database.PostgresDefaults("Host=db;Options=-c work_mem=8MB"));

        Assert.Equal("-c work_mem=8MB -c plan_cache_mode=force_custom_plan", s.Options);
    }
}
