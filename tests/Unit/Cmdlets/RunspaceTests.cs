using System.IO;
using System.Linq;
using System.Management.Automation;
using Outpost.Core.Client;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cmdlets
{
    /// <summary>
    /// The cmdlets in a real PowerShell runspace against a real responder on a temp share: parameter
    /// binding, pipelines by property name, -WhatIf, error records (id, category, target) and the format
    /// views as Out-String renders them.
    /// </summary>
    public class RunspaceTests : IClassFixture<ModuleRunspace>
    {
        private readonly ModuleRunspace _shell;

        public RunspaceTests(ModuleRunspace shell) => _shell = shell;

        [Fact]
        public async Task Submit_binds_its_parameters_and_the_job_pipes_into_Wait_and_Receive()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            var outcome = _shell.Run(
                "Submit-OutpostJob -Path $share -Command 'echo \"$GREETING\"' -Extension sh -Environment @{ GREETING = 'bound' } -Label greet |" +
                " Wait-OutpostJob -Timeout 30 | Receive-OutpostJob",
                ("share", responder.SharePath));
            Assert.Empty(outcome.Errors);
            Assert.Equal(new[] { "bound" }, outcome.Strings);
        }

        [Fact]
        public async Task Get_OutpostJob_output_binds_by_property_name_to_Stop_and_Remove()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            var running = responder.Submit("sleep 30\n");
            RunningResponder.WaitUntil(() => responder.Target.GetJob(running.Lane, running.Stem).State == OutpostJobState.Running, TimeSpan.FromSeconds(20));
            // Get-OutpostJob emits OutpostJob objects: Stop-OutpostJob takes Path/Lane/Stem from them.
            var stopped = _shell.Run("Get-OutpostJob -Path $share -State Running | Stop-OutpostJob -Wait -Confirm:$false", ("share", responder.SharePath));
            Assert.Empty(stopped.Errors);
            var job = Assert.Single(stopped.Output);
            Assert.Equal(running.Stem, job.Properties["Stem"].Value);
            Assert.Equal("Cancelled", job.Properties["State"].Value.ToString());

            _shell.Run("Get-OutpostJob -Path $share | Remove-OutpostJob -Confirm:$false", ("share", responder.SharePath));
            Assert.Empty(_shell.Run("Get-OutpostJob -Path $share", ("share", responder.SharePath)).Output);
        }

        [Fact]
        public void Get_OutpostTarget_output_binds_by_property_name_to_Add_OutpostTarget()
        {
            using var folder = new TempFolder();
            string team = folder.Combine("team.toml"), mine = folder.Combine("mine.toml");
            File.WriteAllText(team, "[target.lab]\ntransport = \"file\"\npath = \"/srv/lab\"\nexpected_name = \"LAB\"\n");
            var added = _shell.Run("Get-OutpostTarget -RegistryPath $team | Add-OutpostTarget -RegistryPath $mine", ("team", team), ("mine", mine));
            Assert.Empty(added.Errors);
            string written = File.ReadAllText(mine);
            Assert.Contains("[target.lab]", written);
            Assert.Contains("expected_name = \"LAB\"", written);
        }

        [Fact]
        public async Task WhatIf_changes_nothing_and_Confirm_false_goes_ahead()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            var whatIf = _shell.Run("Submit-OutpostJob -Path $share -Command 'echo no' -Extension sh -WhatIf", ("share", responder.SharePath));
            Assert.Empty(whatIf.Output);
            Assert.Empty(responder.Target.GetJobs());

            var done = responder.RunJob("echo gone\n");
            _shell.Run("Remove-OutpostJob -Path $share -Lane 1 -Stem $stem -WhatIf", ("share", responder.SharePath), ("stem", done.Stem));
            Assert.Single(responder.Target.GetJobs());
            _shell.Run("Remove-OutpostJob -Path $share -Lane 1 -Stem $stem -Confirm:$false", ("share", responder.SharePath), ("stem", done.Stem));
            Assert.Empty(responder.Target.GetJobs());
        }

        [Fact]
        public void A_missing_share_is_a_ConnectionError_with_a_stable_id_and_the_path_as_target()
        {
            using var folder = new TempFolder();
            string missing = folder.Combine("nope");
            var outcome = _shell.Run("Submit-OutpostJob -Path $missing -Command 'echo' -Extension sh", ("missing", missing));
            var error = Assert.Single(outcome.Errors);
            Assert.Equal("ShareUnavailable,Outpost.PowerShell.Commands.SubmitOutpostJobCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Contains(missing, error.TargetObject?.ToString() ?? error.Exception.Message);

            var stop = _shell.Throws("Submit-OutpostJob -Path $missing -Command 'echo' -Extension sh -ErrorAction Stop", ("missing", missing));
            Assert.Equal("ShareUnavailable,Outpost.PowerShell.Commands.SubmitOutpostJobCommand", stop.FullyQualifiedErrorId);
        }

        [Fact]
        public async Task An_unknown_stem_is_ObjectNotFound_and_a_duplicate_target_is_ResourceExists()
        {
            await using var responder = new RunningResponder();
            var missing = _shell.Run("Wait-OutpostJob -Path $share -Stem '20200101_000000_000000-nope'", ("share", responder.SharePath));
            Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(missing.Errors).CategoryInfo.Category);

            using var folder = new TempFolder();
            string registry = folder.Combine("targets.toml");
            _shell.Run("Add-OutpostTarget -Name lab -Path $share -RegistryPath $registry", ("share", responder.SharePath), ("registry", registry));
            var twice = _shell.Run("Add-OutpostTarget -Name lab -Path $share -RegistryPath $registry", ("share", responder.SharePath), ("registry", registry));
            var error = Assert.Single(twice.Errors);
            Assert.StartsWith("TargetExists,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        }

        [Fact]
        public void An_invalid_parameter_value_is_refused_by_binding_and_nothing_is_written()
        {
            using var folder = new TempFolder();
            string registry = folder.Combine("targets.toml");
            var outcome = _shell.Run("Set-OutpostTarget -Name 'Not A Name' -Path /srv/x -RegistryPath $registry", ("registry", registry));
            var error = Assert.Single(outcome.Errors);
            Assert.IsAssignableFrom<ParameterBindingException>(error.Exception);
            Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.False(File.Exists(registry));
        }

        [Fact]
        public async Task The_format_views_render_through_Out_String()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            responder.RunJob("echo formatted\n");
            string jobs = string.Concat(_shell.Run("Get-OutpostJob -Path $share | Out-String -Width 160", ("share", responder.SharePath)).Strings);
            foreach (string column in new[] { "Lane", "Stem", "State", "Exit", "Duration" }) Assert.Contains(column, jobs);
            Assert.Contains("Completed", jobs);

            string status = string.Concat(_shell.Run("Get-OutpostStatus -Path $share | Out-String -Width 160", ("share", responder.SharePath)).Strings);
            foreach (string column in new[] { "Available", "Responder", "Platform", "Lanes" }) Assert.Contains(column, status);
            Assert.Contains("test-responder", status);
        }
    }
}
