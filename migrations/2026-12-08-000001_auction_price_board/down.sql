DROP FUNCTION refresh_auction_price_board(date, date);
DROP TABLE auction_price_board;
DROP TABLE auction_grade_map;
