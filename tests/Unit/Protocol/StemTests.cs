using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Protocol;

namespace Outpost.Tests.Protocol
{
    public class StemTests
    {
        [Fact]
        public void Create_writes_utc_time_with_microseconds_and_label()
        {
            var time = new DateTime(2026, 4, 24, 17, 3, 9, DateTimeKind.Utc).AddTicks(4120001 * 1); // .4120001 s
            var stem = Stem.Create(time, "sh");
            Assert.Equal("20260424_170309_412000-sh", stem.Text);
            Assert.Equal("sh", stem.Label);
        }

        [Theory]
        [InlineData("20261121_215348_772161-sh")]
        [InlineData("20261121_215348_772161-a_b-c9")]
        [InlineData("20240229_235959_999999-x")]
        public void Parse_accepts_valid_stems(string text)
        {
            Assert.True(Stem.TryParse(text, out var stem));
            Assert.Equal(text, stem!.Text);
        }

        [Theory]
        [InlineData("")]
        [InlineData("20261121_215348_772161")]        // no label
        [InlineData("20261121_215348_772161-")]       // empty label
        [InlineData("20261121_215348_772161-Sh")]     // upper case
        [InlineData("20261121_215348_772161-s.h")]    // dot
        [InlineData("20261121-215348_772161-sh")]     // separator in the wrong place
        [InlineData("20261321_215348_772161-sh")]     // month 13
        [InlineData("20230229_120000_000000-sh")]     // not a leap year
        [InlineData("20261121_246000_000000-sh")]     // hour 24
        [InlineData("20261121_215348_77216a-sh")]     // letter in micros
        [InlineData("20261121_215348_772161_sh")]     // '_' where '-' belongs
        [InlineData("../../etc/passwd")]
        public void Parse_rejects_invalid_stems(string text)
        {
            Assert.False(Stem.TryParse(text, out _, out string error));
            Assert.Contains("invalid stem", error);
        }

        [Fact]
        public void Label_longer_than_64_is_rejected()
        {
            Assert.True(Stem.IsValidLabel(new string('a', 64)));
            Assert.False(Stem.IsValidLabel(new string('a', 65)));
        }

        [Fact]
        public void Burst_of_1000_stems_is_unique_and_sorted_even_with_a_frozen_clock()
        {
            var frozen = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var generator = new StemGenerator(() => frozen);
            var stems = Enumerable.Range(0, 1000).Select(_ => generator.Next("sh").Text).ToList();
            Assert.Equal(1000, stems.Distinct().Count());
            Assert.Equal(stems.OrderBy(s => s, StringComparer.Ordinal), stems);
        }

        [Fact]
        public void Stems_from_many_threads_never_repeat()
        {
            var generator = new StemGenerator();
            var seen = new ConcurrentBag<string>();
            Parallel.For(0, 8, _ =>
            {
                for (int i = 0; i < 1000; i++) seen.Add(generator.Next("job").Text);
            });
            Assert.Equal(8000, seen.Distinct().Count());
        }

        [Fact]
        public void A_clock_that_steps_back_still_gives_increasing_stems()
        {
            var times = new[] { new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
            int call = 0;
            var generator = new StemGenerator(() => times[Math.Min(call++, 1)]);
            var first = generator.Next("a");
            var second = generator.Next("a");
            Assert.True(string.CompareOrdinal(second.Text, first.Text) > 0);
            Assert.Equal("20260101_000001_000001-a", second.Text);
        }

        [Theory]
        [InlineData("20261121_215348_772161-sh.sh", "20261121_215348_772161-sh", "sh")]
        [InlineData("20261121_215348_772161-build.ps1", "20261121_215348_772161-build", "ps1")]
        public void Job_file_names_split_at_the_last_dot(string name, string stem, string ext)
        {
            Assert.True(JobFileName.TryParse(name, out var job));
            Assert.Equal(stem, job!.Stem.Text);
            Assert.Equal(ext, job.Extension);
        }

        [Theory]
        [InlineData("status.txt")]
        [InlineData("20261121_215348_772161-sh.sh.tmp")]
        [InlineData("20261121_215348_772161-sh.sh.abc123.tmp")]
        [InlineData("20261121_215348_772161-sh.sh.running")]   // a sidecar: never a job
        [InlineData("20261121_215348_772161-sh.sig")]          // valid form, but .sig? still a job name: see below
        [InlineData("20261121_215348_772161-sh.")]
        [InlineData("20261121_215348_772161-sh")]
        [InlineData("notes.txt")]
        public void Names_v1_skips_are_not_jobs(string name)
        {
            bool parsed = JobFileName.TryParse(name, out _);
            // <stem>.sig is a well-formed job name in v1 (any extension); everything else here is skipped.
            Assert.Equal(name.EndsWith(".sig"), parsed);
        }
    }
}
