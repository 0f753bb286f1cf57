using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Client;
using Outpost.Core.Dispatch;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Dispatch
{
    /// <summary>
    /// What the composer writes, run through the real interpreters: the BOM only where PowerShell needs it,
    /// UTF-16 converted, every PowerShell quote character escaped, secrets on one line.
    /// </summary>
    public class JobScriptEncodingTests
    {
        private static readonly byte[] Bom = { 0xEF, 0xBB, 0xBF };

        internal static string? Pwsh()
        {
            string? found = ExecutableSearch.Find("pwsh");
            if (found != null) return found;
            string restored = "/root/.nuget/packages/powershell/7.6.9/tools/net10.0/any/unix/pwsh";
            return File.Exists(restored) ? restored : null;
        }

        /// <summary>Runs the composed script through its interpreter and returns stdout.</summary>
        private static string Run(string program, string[] args, byte[] script, string ext)
        {
            using var folder = new TempFolder();
            string path = folder.Combine("job." + ext);
            File.WriteAllBytes(path, script);
            var info = new ProcessStartInfo(program, CommandLine.Join(args.Concat(new[] { path })))
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{program} exit {process.ExitCode}: {stderr.Result}");
            return stdout;
        }

        [Fact]
        public void A_sh_script_with_a_BOM_gets_its_variables_set_and_no_BOM_in_front_of_them()
        {
            var job = new JobSubmission(Bom.Concat(Encoding.UTF8.GetBytes("printf '%s|%s' \"$A\" \"$B\"\n")).ToArray(), "sh");
            job.Environment["A"] = "first";
            job.Environment["B"] = "é–second";
            byte[] composed = JobScriptComposer.Compose(job);
            Assert.False(composed.Take(3).SequenceEqual(Bom));
            Assert.DoesNotContain('\uFEFF', Encoding.UTF8.GetString(composed));
            Assert.Equal("first|é–second", Run("/bin/sh", new string[0], composed, "sh"));
        }

        [Fact]
        public void A_python_script_with_a_BOM_runs_with_its_variables()
        {
            string? python = ExecutableSearch.Find("python3");
            if (python == null) Assert.Skip("python3 is not installed: skipped");
            var job = new JobSubmission(Bom.Concat(Encoding.UTF8.GetBytes("import os\nprint(os.environ['A'])\n")).ToArray(), "py") { TimeoutSeconds = 9 };
            job.Environment["A"] = "naïve";
            byte[] composed = JobScriptComposer.Compose(job);
            Assert.StartsWith("# timeout=9\n", Encoding.UTF8.GetString(composed));
            Assert.Equal("naïve\n", Run(python!, new string[0], composed, "py"));
        }

        [Fact]
        public void A_UTF16_script_is_converted_to_UTF8_and_ps1_keeps_a_BOM_on_its_own_line()
        {
            byte[] utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Write-Output \"$env:A ü\"\r\n")).ToArray();
            var job = new JobSubmission(utf16, "ps1") { TimeoutSeconds = 3 };
            job.Environment["A"] = "ä";
            byte[] composed = JobScriptComposer.Compose(job);
            Assert.Equal(Bom, composed.Take(3));
            string text = new UTF8Encoding(false, true).GetString(composed, 3, composed.Length - 3);
            Assert.Equal("\r\n# timeout=3\r\n$env:A = 'ä'\r\nWrite-Output \"$env:A ü\"\r\n", text);
            Assert.Equal(3, Outpost.Core.Protocol.TimeoutHeader.Parse("ps1", composed).Seconds);

            var sh = new JobSubmission(Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes("echo \"$A\"\n")).ToArray(), "sh");
            sh.Environment["A"] = "ok";
            Assert.Equal("ok\n", Run("/bin/sh", new string[0], JobScriptComposer.Compose(sh), "sh"));
        }

        [Fact]
        public void Ps1_from_text_gets_a_BOM_and_other_languages_do_not()
        {
            Assert.Equal(Bom, JobSubmission.FromText("'é'", "ps1").Content.Take(3));
            Assert.Equal(Encoding.UTF8.GetBytes("echo é"), JobSubmission.FromText("echo é", "sh").Content);
        }

        [Fact]
        public void Cmd_jobs_switch_to_UTF8_first_unless_the_script_is_in_a_legacy_code_page()
        {
            var job = new JobSubmission(Bom.Concat(Encoding.UTF8.GetBytes("@echo %A%\r\n")).ToArray(), "cmd") { TimeoutSeconds = 5, WorkingDirectory = @"\\server\share\work" };
            job.Environment["A"] = "café";
            string text = Encoding.UTF8.GetString(JobScriptComposer.Compose(job));
            Assert.Equal("REM timeout=5\r\n" + JobScriptComposer.CmdUtf8Line + "\r\n@set \"A=café\"\r\n@pushd \"\\\\server\\share\\work\" || exit /b 125\r\n@echo %A%\r\n", text);

            byte[] oem = { (byte)'@', (byte)'e', (byte)'c', (byte)'h', (byte)'o', (byte)' ', 0x82, (byte)'\r', (byte)'\n' }; // "é" in code page 850
            var legacy = new JobSubmission(oem, "cmd") { TimeoutSeconds = 5 };
            Assert.DoesNotContain("chcp", Encoding.ASCII.GetString(JobScriptComposer.Compose(legacy)));
            legacy.Environment["A"] = "café";
            Assert.Contains("save the script as UTF-8", Assert.Throws<ArgumentException>(() => JobScriptComposer.Compose(legacy)).Message);
        }

        [Fact]
        public void An_environment_name_with_a_trailing_line_break_is_refused()
        {
            foreach (string name in new[] { "X\n", "X\r\n", "X\r", "\nX", "X Y", "" })
            {
                var job = JobSubmission.FromText("echo", "sh");
                job.Environment[name] = "v";
                var e = Assert.Throws<ArgumentException>(() => JobScriptComposer.Compose(job));
                Assert.Contains("is not valid", e.Message);
            }
        }

        [Fact]
        public void Every_PowerShell_quote_character_stays_inside_the_literal_in_real_pwsh()
        {
            string? pwsh = Pwsh();
            if (pwsh == null) Assert.Skip("pwsh is not available: skipped");
            var job = JobSubmission.FromText("[Console]::Out.Write($env:V + '|' + (Get-Location).Path)", "ps1");
            using var folder = new TempFolder();
            string hostile = string.Concat(JobScriptComposer.PowerShellSingleQuotes.Select(q => $"a{q}; Write-Output PWNED{(int)q}; {q}{q}{q}"));
            string dir = folder.Combine("d" + string.Concat(JobScriptComposer.PowerShellSingleQuotes) + "x");
            Directory.CreateDirectory(dir);
            job.Environment["V"] = hostile;
            job.WorkingDirectory = dir;
            string output = Run(pwsh!, new[] { "-NoProfile", "-NonInteractive", "-File" }, JobScriptComposer.Compose(job), "ps1");
            Assert.Equal(hostile + "|" + dir, output);
        }

        [Fact]
        public void A_multiline_secret_is_one_line_in_the_script_and_redacted_whole()
        {
            string secret = "line1\nline2 'q' \\n $HOME %x\r\nline3\n\n";
            using var folder = new TempFolder();
            foreach (var (ext, program, args, body) in new[]
            {
                ("sh", "/bin/sh", new string[0], "printf '%s' \"$S\"\n"),
                ("ps1", Pwsh(), new[] { "-NoProfile", "-NonInteractive", "-File" }, "[Console]::Out.Write($env:S)\n"),
            })
            {
                if (program == null) continue;
                var job = JobSubmission.FromText(body, ext);
                job.Environment["S"] = secret;
                job.SecretNames.Add("S");
                byte[] composed = JobScriptComposer.Compose(job);
                string text = Encoding.UTF8.GetString(composed);
                Assert.Single(text.Split('\n'), l => l.Contains(SecretRedactor.Marker));
                Assert.Equal(secret, Run(program, args, composed, ext));
                string file = folder.Combine("archived." + ext);
                File.WriteAllBytes(file, composed);
                string redacted = Encoding.UTF8.GetString(SecretRedactor.RedactIfMarked(file)!);
                foreach (string part in new[] { "line1", "line2", "line3", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)).Substring(0, 12), "\\\\n" })
                    Assert.DoesNotContain(part, redacted);
            }
        }
    }
}
