#!/usr/bin/perl
# bench-sla-business-hours.pl CALENDAR.json < lines - the same "due FROM SECONDS" lines through
# Business::Hours (Debian libbusiness-hours-perl), for comparison with svcdesk's clock.
#
# Sets up the calendar's weekly hours (one Start/End a day, gaps as Breaks) and holidays, with
# TZ set to the calendar's zone (fine in this single-threaded script). Prints two lines:
#   ns_per_call N          mean time of add_seconds over the lines
#   answers FILE           where it wrote its answers (RFC 3339 UTC, one a line)
use strict;
use warnings;
use JSON::PP;
use POSIX qw(tzset strftime);
use Time::HiRes qw(time);
use Time::Local qw(timegm);
use Business::Hours;

my ($calfile, $out) = @ARGV;
die "usage: $0 CALENDAR.json ANSWERS < lines\n" unless $out;
open my $fh, '<', $calfile or die "$calfile: $!\n";
my $cal = decode_json(do { local $/; <$fh> });
$ENV{TZ} = $cal->{timezone};
tzset();

my @names = qw(Sunday Monday Tuesday Wednesday Thursday Friday Saturday);
my @keys = qw(sun mon tue wed thu fri sat);
my %hours;
for my $d (0 .. 6) {
    my @iv = sort @{ $cal->{hours}{ $keys[$d] } || [] };
    my %day = (Name => $names[$d], Start => undef, End => undef);
    if (@iv) {
        my @pairs = map { [ split /-/ ] } @iv;
        $day{Start} = $pairs[0][0];
        $day{End} = $pairs[-1][1];
        $day{Breaks} = [ map { { Start => $pairs[$_][1], End => $pairs[ $_ + 1 ][0] } }
            0 .. $#pairs - 1 ];
    }
    $hours{$d} = \%day;
}
my $bh = Business::Hours->new;
$bh->business_hours(%hours, holidays => [ @{ $cal->{holidays} || [] } ]);

my @cases;
while (<STDIN>) {
    next unless /^due (\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z (\d+)/;
    push @cases, [ timegm($6, $5, $4, $3, $2 - 1, $1), $7 ];
}
my @answers;
my $t0 = time;
push @answers, $bh->add_seconds($_->[0], $_->[1]) for @cases;
my $ns = (time - $t0) * 1e9 / @cases;
open my $oh, '>', $out or die "$out: $!\n";
print $oh strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_), "\n" for @answers;
close $oh;
printf "ns_per_call %.0f\n", $ns;
