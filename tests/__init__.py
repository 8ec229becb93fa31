"""The test suite: tool/ checks the tool's behaviour, site/ the shipped clinic site's content."""
