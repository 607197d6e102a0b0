DROP TABLE auction_results;
